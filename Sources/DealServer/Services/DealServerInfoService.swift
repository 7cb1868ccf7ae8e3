import DealModel
import DealProtocol
import DealStore

/// `dealstore.v1.Server`: what the server is (versions, methods, counts) and who the caller is to it.
struct DealServerInfoService: DealRegistrableService {
    let store: DealStore
    let serverVersion: String
    let tlsLibraryVersion: String
    let startedAt: ContinuousClock.Instant

    func registerMethods(with registry: inout DealServerMethodRegistry) {
        registry.register(.getServerInfo) { context, writer in self.getInfo(context, writer) }
    }

    func getInfo(_ context: DealServerCallContext, _ writer: DealServerCallWriter) -> any DealServerCall {
        DealUnaryCall.answering(writer) { (_: Dealstore_V1_GetServerInfoRequest) in
            var info = Dealstore_V1_ServerInfo()
            info.serverVersion = self.serverVersion
            info.minProtocolVersion = DealProtocolVersion.current
            info.maxProtocolVersion = DealProtocolVersion.current
            info.tlsLibraryVersion = self.tlsLibraryVersion
            info.storeRevision = self.store.revision
            info.compactedRevision = self.store.compactedRevision
            info.uptimeSeconds = UInt64((ContinuousClock.now - self.startedAt).components.seconds)
            info.methods = DealMethod.all.map(\.path)
            info.dealCount = UInt64(self.store.dealCount)
            info.organizationCount = UInt64(self.store.organizationCount)
            info.callerRole = context.role.description
            return info
        }
    }
}
