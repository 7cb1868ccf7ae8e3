import DealModel
import DealProtocol

extension DealClient {
    /// The server's serving status.
    public func healthCheck(
        _ request: Dealstore_V1_HealthCheckRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_HealthCheckResponse {
        try await self.unary(.healthCheck, request: request, options: options)
    }

    /// The serving status now and at every change.
    public func healthWatch(
        _ request: Dealstore_V1_HealthCheckRequest,
        options: DealCallOptions = DealCallOptions()
    ) -> DealResponseStream<Dealstore_V1_HealthCheckResponse> {
        self.serverStreaming(.healthWatch, request: request, options: options)
    }
}
