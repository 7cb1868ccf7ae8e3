import DealModel
import DealProtocol
import DealStore

/// `dealstore.v1.Health`: whether the store serves writes, asked once or watched.
struct DealHealthService: DealRegistrableService {
    let store: DealStore
    let runner: DealServerTaskRunner

    /// The service names a health check may name; "" is the whole server.
    static let knownServices: Set<String> = [
        "", "dealstore.v1.Deals", "dealstore.v1.Organizations", "dealstore.v1.Health", "dealstore.v1.Server",
    ]

    func registerMethods(with registry: inout DealServerMethodRegistry) {
        registry.register(.healthCheck) { _, writer in self.check(writer) }
        registry.register(.healthWatch) { _, writer in self.watch(writer) }
    }

    func check(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_HealthCheckRequest) in
            try Self.health(store: store, service: request.service)
        }
    }

    func watch(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealAsyncStreamingCall(writer: writer, runner: self.runner) {
            (request: Dealstore_V1_HealthCheckRequest, writer, _) in
            // At most one answer a second: nothing to pace.
            await Self.watchHealth(store: store, service: request.service, writer: writer)
        }
    }

    static func health(store: DealStore, service: String) throws(DealRPCError) -> Dealstore_V1_HealthCheckResponse {
        var response = Dealstore_V1_HealthCheckResponse()
        guard Self.knownServices.contains(service) else {
            throw DealRPCError(code: .notFound, message: "unknown service \"\(service)\"; use \"\" for the server")
        }
        switch store.health {
        case .serving:
            response.status = .serving
        case .readOnly(let reason):
            response.status = .notServing
            response.reason = "store is read-only: \(reason)"
        }
        return response
    }

    static func watchHealth(store: DealStore, service: String, writer: DealServerCallWriter) async {
        var last: Dealstore_V1_HealthCheckResponse?
        while !Task.isCancelled {
            do {
                let current = try Self.health(store: store, service: service)
                if current != last {
                    writer.send(current)
                    last = current
                }
                try await Task.sleep(for: .seconds(1))
            } catch is CancellationError {
                break
            } catch {
                writer.finish(error)
                return
            }
        }
        writer.finish(code: .cancelled, message: "the watch was cancelled")
    }
}
