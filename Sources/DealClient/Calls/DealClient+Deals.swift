import DealModel
import DealProtocol

extension DealClient {
    /// Fetches one deal by id.
    public func getDeal(
        _ request: Dealstore_V1_GetDealRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_Deal {
        try await self.unary(.getDeal, request: request, options: options)
    }

    /// Lists deals matching a filter, one page at a time.
    public func listDeals(
        _ request: Dealstore_V1_ListDealsRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_ListDealsResponse {
        try await self.unary(.listDeals, request: request, options: options)
    }

    /// Creates a deal; needs the write role.
    public func createDeal(
        _ request: Dealstore_V1_CreateDealRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_Deal {
        try await self.unary(.createDeal, request: request, options: options)
    }

    /// Replaces the fields named in the update mask; a stale etag fails with ABORTED.
    public func updateDeal(
        _ request: Dealstore_V1_UpdateDealRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_Deal {
        try await self.unary(.updateDeal, request: request, options: options)
    }

    /// Deletes a deal; a stale etag fails with ABORTED.
    public func deleteDeal(
        _ request: Dealstore_V1_DeleteDealRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_DeleteDealResponse {
        try await self.unary(.deleteDeal, request: request, options: options)
    }

    /// Streams every organization, then every deal matching the filter.
    public func exportDeals(
        _ request: Dealstore_V1_ExportDealsRequest,
        options: DealCallOptions = DealCallOptions()
    ) -> DealResponseStream<Dealstore_V1_DealRecord> {
        self.serverStreaming(.exportDeals, request: request, options: options)
    }

    /// Totals of committed and funded money, grouped, per currency.
    public func summarizeDeals(
        _ request: Dealstore_V1_SummarizeDealsRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_SummarizeDealsResponse {
        try await self.unary(.summarizeDeals, request: request, options: options)
    }

    /// The largest deals by headline amount in one currency.
    public func topDeals(
        _ request: Dealstore_V1_TopDealsRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_TopDealsResponse {
        try await self.unary(.topDeals, request: request, options: options)
    }

    /// Organizations that invested in the same targets as an investor.
    public func listCoInvestors(
        _ request: Dealstore_V1_ListCoInvestorsRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_ListCoInvestorsResponse {
        try await self.unary(.listCoInvestors, request: request, options: options)
    }

    /// A company's deals, tranches and valuations in date order.
    public func getTimeline(
        _ request: Dealstore_V1_GetTimelineRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_Timeline {
        try await self.unary(.getTimeline, request: request, options: options)
    }

    /// Every change after a revision, then live changes until the iteration stops.
    public func watchDeals(
        _ request: Dealstore_V1_WatchDealsRequest,
        options: DealCallOptions = DealCallOptions()
    ) -> DealResponseStream<Dealstore_V1_ChangeEvent> {
        self.serverStreaming(.watchDeals, request: request, options: options)
    }

    /// Disputed claims beside the accepted values.
    public func listConflicts(
        _ request: Dealstore_V1_ListConflictsRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_ListConflictsResponse {
        try await self.unary(.listConflicts, request: request, options: options)
    }

    /// Creates or replaces the records of a sequence in one client-streaming call.
    ///
    /// The policy decides what happens to records whose id exists; rejected records are reported with reasons in
    /// the response, not thrown.
    public func importDeals<Records: AsyncSequence & Sendable>(
        _ records: Records,
        onConflict policy: Dealstore_V1_ImportConflictPolicy = .skip,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_ImportDealsResponse where Records.Element == Dealstore_V1_DealRecord {
        let requests = records.map { record in
            var request = Dealstore_V1_ImportDealsRequest()
            request.record = record
            request.onConflict = policy
            return request
        }
        return try await self.clientStreaming(.importDeals, requests: requests, options: options)
    }

    /// Pairs of deals that may be one deal stored twice, for a person to confirm.
    public func findDuplicateDeals(
        _ request: Dealstore_V1_FindDuplicateDealsRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_FindDuplicateDealsResponse {
        try await self.unary(.findDuplicateDeals, request: request, options: options)
    }

    /// Everything one publisher (or one source) reported: each deal and organization citing it, with what rests
    /// on it (issue 18 part 6).
    public func listSourceReports(
        _ request: Dealstore_V1_ListSourceReportsRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_ListSourceReportsResponse {
        try await self.unary(.listSourceReports, request: request, options: options)
    }

    /// The store's source catalog: each distinct source once, all or those cited with one publisher (issue 18
    /// part 6). ``listSourceReports(_:options:)`` with `catalogID` lists one source's citations.
    public func listSources(
        _ request: Dealstore_V1_ListSourcesRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_ListSourcesResponse {
        try await self.unary(.listSources, request: request, options: options)
    }

    /// One catalog source by its id (`CatalogSource.id`, `SourceReport.catalog_id`); NOT_FOUND when no record
    /// cites it.
    public func getSource(
        _ request: Dealstore_V1_GetSourceRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_CatalogSource {
        try await self.unary(.getSource, request: request, options: options)
    }

    /// The FX table the server normalises amounts with: its provenance, coverage and origin (issue 18 part 1).
    public func getFXTable(
        _ request: Dealstore_V1_GetFXTableRequest = Dealstore_V1_GetFXTableRequest(),
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_FXTableInfo {
        try await self.unary(.getFXTable, request: request, options: options)
    }

    /// Replaces the server's FX table with one read from an ECB eurofxref-hist layout CSV (at most 16 MiB; a
    /// write-role token). INVALID_ARGUMENT names the line and column of bad input.
    public func importFXRates(
        _ request: Dealstore_V1_ImportFXRatesRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_FXTableInfo {
        try await self.unary(.importFXRates, request: request, options: options)
    }
}
