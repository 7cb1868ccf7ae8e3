import DealProtocol
import DealStore
import NIOCore

/// Finds the handler of a call's method in a registry built once from the services, after checking the caller's
/// credentials.
///
/// The services (``DealDealsService``, ``DealOrganizationsService``, ``DealHealthService``,
/// ``DealServerInfoService``) each register their methods; adding a method is a handler in its service's file and
/// one `register` line there.
final class DealServerRouter: Sendable {
    let authorizer: DealAuthorizer
    /// The store whose published revision every answer's `revision` trailer and every `min-revision` wait refer to.
    let store: DealStore
    /// How long a call without a deadline waits for its `min-revision` (``defaultRevisionWait``).
    let maximumRevisionWait: TimeAmount
    private let registry: DealServerMethodRegistry

    init(
        store: DealStore,
        authorizer: DealAuthorizer,
        runner: DealServerTaskRunner,
        serverVersion: String,
        tlsLibraryVersion: String,
        maximumImportRecords: Int = 1_000_000,
        maximumImportBytes: Int = 256 << 20,
        maximumRevisionWait: TimeAmount = DealServerRouter.defaultRevisionWait,
        eventLoops: [any EventLoop] = []
    ) {
        self.authorizer = authorizer
        self.store = store
        self.maximumRevisionWait = maximumRevisionWait
        var loopCompletions: [ObjectIdentifier: DealServerLoopCompletions] = [:]
        for eventLoop in eventLoops {
            loopCompletions[ObjectIdentifier(eventLoop)] = DealServerLoopCompletions(eventLoop: eventLoop)
        }
        var registry = DealServerMethodRegistry()
        registry.register(
            DealDealsService(
                store: store,
                runner: runner,
                maximumImportRecords: maximumImportRecords,
                maximumImportBytes: maximumImportBytes,
                loopCompletions: loopCompletions
            )
        )
        registry.register(DealOrganizationsService(store: store))
        registry.register(DealHealthService(store: store, runner: runner))
        registry.register(
            DealServerInfoService(
                store: store,
                serverVersion: serverVersion,
                tlsLibraryVersion: tlsLibraryVersion,
                startedAt: .now
            )
        )
        self.registry = registry
    }

    /// Authorizes the call and creates its handler; answers at once (and returns `nil`) when refused.
    ///
    /// `requestOpen` says whether the request goes on after the HEADERS (no END_STREAM on them): such a call's
    /// token is checked again when its request ends.
    ///
    /// A call whose `min-revision` this node has not published waits for it first
    /// (``gated(_:minimumRevision:context:writer:waits:)``).
    func makeCall(
        context: DealServerCallContext,
        writer: DealServerCallWriter,
        requestOpen: Bool,
        authorizationCache: inout DealAuthorizationCache,
        revisionWaits: DealRevisionWaitCounter
    ) -> (any DealServerCall)? {
        var context = context
        // Read once: each read scans the metadata and builds a String of the token (an allocation per call).
        let authorization = context.metadata(DealProtocolVersion.authorizationMetadataKey)
        switch self.authorizer.authorize(
            method: context.method,
            authorization: authorization,
            identity: context.peer.identity,
            cache: &authorizationCache
        ) {
        case .unauthenticated(let message):
            writer.finish(code: .unauthenticated, message: message)
            return nil
        case .permissionDenied(let message):
            writer.finish(code: .permissionDenied, message: message)
            return nil
        case .allowed(let role):
            context.role = role
        }
        guard let minimumRevision = self.minimumRevision(context: context, writer: writer, waits: revisionWaits)
        else { return nil }
        // A watch authorized by a token is ended if a reload revokes the token; a call whose request is still
        // coming is refused if a reload revokes it before the request ends.
        return self.authorizer.revocable(
            self.gated(
                self.dispatch(context: context, writer: writer),
                minimumRevision: minimumRevision,
                context: context,
                writer: writer,
                waits: revisionWaits
            ),
            method: context.method,
            authorization: authorization,
            requestOpen: requestOpen,
            writer: writer,
            cache: authorizationCache
        )
    }

    private func dispatch(context: DealServerCallContext, writer: DealServerCallWriter) -> any DealServerCall {
        guard let handler = self.registry.handler(for: context.method) else {
            writer.finish(code: .unimplemented, message: "\(context.method.path) is not implemented")
            return DealUnaryCall(writer: writer) { (_: Dealstore_V1_GetServerInfoRequest) in }
        }
        return handler(context, writer)
    }
}
