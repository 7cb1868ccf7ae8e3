import DealModel
import DealProtocol

/// An amount converted into another currency by the server, with the rate used (`dealstore.v1.NormalizedMoney`).
public typealias DealNormalizedMoney = Dealstore_V1_NormalizedMoney
/// A reference rate the server converted with: both euro rates of one ECB day (`dealstore.v1.FXRate`).
public typealias DealFXRate = Dealstore_V1_FXRate
/// A summary group's totals in one currency, with the rates used (`dealstore.v1.NormalizedTotal`).
public typealias DealNormalizedTotal = Dealstore_V1_NormalizedTotal

extension DealClient {
    /// Totals of the deals matching `filter`, grouped `by` investor, target, year, quarter or deal type, each group
    /// also totalled in `currency` (`group.normalized`): every amount converted at its deal's date with the
    /// server's ECB reference rates, the rates used listed, amounts without a rate counted apart.
    public func summarizeDeals(
        by grouping: Dealstore_V1_SummaryGrouping,
        normalizedTo currency: String,
        filter: DealFilter = DealFilter(),
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> [DealSummaryGroup] {
        var filter = filter
        filter.normalizeTo = currency
        return try await self.summarizeDeals(by: grouping, filter: filter, options: options)
    }

    /// The `limit` largest deals matching `filter`, ranked by their headline amounts converted into `currency`
    /// (each deal carries `amountNormalized`); deals whose amount has no rate are not ranked.
    public func topDeals(
        limit: Int = 10,
        normalizedTo currency: String,
        filter: DealFilter = DealFilter(),
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> [Deal] {
        var request = Dealstore_V1_TopDealsRequest()
        request.limit = Int32(clamping: limit)
        request.currencyCode = currency
        request.filter = filter
        request.filter.normalizeTo = currency
        return try await self.topDeals(request, options: options).deals
    }
}
