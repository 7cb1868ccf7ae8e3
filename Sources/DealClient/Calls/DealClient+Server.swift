import DealModel
import DealProtocol

extension DealClient {
    /// Versions, store revision, uptime and the methods the server implements.
    public func getServerInfo(
        _ request: Dealstore_V1_GetServerInfoRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_ServerInfo {
        try await self.unary(.getServerInfo, request: request, options: options)
    }
}
