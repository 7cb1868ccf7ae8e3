import DealModel
import DealStore
import Testing

/// Issue 18's loose end: SummarizeDeals by industry and by country normalised into `normalize_to`, like the other
/// groupings.
@Suite("Normalised industry and country summaries")
struct DealContextNormalizedTests {
    @Test("by industry and by country, every group carries its totals converted into the requested currency")
    func normalized() async throws {
        try await TestStores.withStore(seed: true) { store in
            var filter = Dealstore_V1_DealFilter()
            filter.normalizeTo = "EUR"
            for grouping in [Dealstore_V1_SummaryGrouping.industry, .country] {
                let groups = try store.summarize(groupBy: grouping, filter: filter)
                let group = try #require(groups.first, "\(grouping)")
                #expect(group.hasNormalized, "\(grouping)")
                #expect(group.normalized.currencyCode == "EUR")
                #expect(group.normalized.convertedCount > 0)
                #expect(group.normalized.unconvertedCount == 0)
                #expect(group.normalized.committed.units > 0)
                #expect(!group.normalized.rates.isEmpty)
                // The native totals stay beside the normalised ones.
                #expect(group.totals.contains { $0.currencyCode == "USD" })
            }
            // The normalised total by industry is the normalised total by target summed over the industry's targets.
            let byTarget = try store.summarize(groupBy: .target, filter: filter)
            let industry = try #require(try store.summarize(groupBy: .industry, filter: filter).first)
            let sum = byTarget.map { $0.normalized.committed.totalNanosForTest }.reduce(0, +)
            #expect(industry.normalized.committed.totalNanosForTest == sum)
        }
    }
}

extension Dealstore_V1_Money {
    fileprivate var totalNanosForTest: Int128 { Int128(self.units) * 1_000_000_000 + Int128(self.nanos) }
}
