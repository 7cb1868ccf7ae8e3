import DealProtocol

/// Creates the call that serves one request of a method, once the caller is authorized.
typealias DealServerMethodHandler = @Sendable (DealServerCallContext, DealServerCallWriter) -> any DealServerCall

/// A map from method path to the handler that serves it, filled once by the services when the server is built
/// (as grpc-swift-2's `RPCRouter`): a call costs one dictionary lookup, and a method no service registers is
/// answered UNIMPLEMENTED.
struct DealServerMethodRegistry: Sendable {
    private var handlers: [String: DealServerMethodHandler] = [:]

    init() {}

    /// Makes `handler` serve `method`, replacing any handler registered for it before.
    mutating func register(_ method: DealMethod, handler: @escaping DealServerMethodHandler) {
        self.handlers[method.path] = handler
    }

    /// Registers every method of `service`.
    mutating func register(_ service: some DealRegistrableService) {
        service.registerMethods(with: &self)
    }

    /// The handler serving `method`, if a service registered one.
    func handler(for method: DealMethod) -> DealServerMethodHandler? {
        self.handlers[method.path]
    }

    /// Whether a service serves `method`.
    func serves(_ method: DealMethod) -> Bool {
        self.handlers[method.path] != nil
    }
}

/// A service (`dealstore.v1.Deals`, `Organizations`, `Health`, `Server`): registers a handler for each of its
/// methods (as grpc-swift-2's `RegistrableRPCService`).
protocol DealRegistrableService: Sendable {
    /// Adds a handler for each of the service's methods to `registry`.
    func registerMethods(with registry: inout DealServerMethodRegistry)
}
