import DealModel
import Foundation
import PropertyBased
import Testing

@testable import DealStore

/// Paging is a consistent read: every page of a listing is cut from the version its first page was read at, so
/// the pages together are exactly that revision's matching deals, whatever is written meanwhile.
@Suite("Paging at a pinned revision (property)")
struct DealPinnedPagingPropertyTests {
    static let orderings = ["", "id desc", "amount desc, id", "amount, id desc"]

    /// The filters tried: none, an investor (the narrow ordered index), a target.
    static func filter(_ index: Int) -> Dealstore_V1_DealFilter {
        var filter = Dealstore_V1_DealFilter()
        switch index {
        case 1: filter.investorIds = ["investor"]
        case 2: filter.targetID = "target"
        default: break
        }
        return filter
    }

    /// Creates, updates (moving sort keys) and deletes until cancelled, as fast as the store takes them.
    static func churn(_ store: DealStore, seed: Int) async {
        var round = 0
        while !Task.isCancelled {
            let victim = "d\((seed + round * 7) % 40)"
            switch round % 3 {
            case 0:
                _ = try? await store.createDeal(
                    TestStores.deal("new-\(seed)-\(round)", investor: round % 2 == 0 ? "investor" : "other")
                )
            case 1:
                var patch = Dealstore_V1_Deal()
                patch.id = victim
                patch.amount = TestStores.usd(Int64(round % 13) * 250)
                _ = try? await store.updateDeal(patch, updateMask: ["amount"])
            default:
                _ = try? await store.deleteDeal(id: victim)
            }
            round += 1
        }
    }

    @Test("the pages of a listing are exactly the matching deals of its first page's revision, under writes")
    func pagesAreOneRevision() async throws {
        await propertyCheck(
            count: 12,
            input: Gen.int(in: 1...9),
            Gen.int(in: 0...(Self.orderings.count - 1)),
            Gen.int(in: 0...2),
            Gen.int(in: 0...1_000)
        ) { pageSize, ordering, filterIndex, seed in
            do {
                try await TestStores.withStore { store in
                    try await DealQueryTests.populated(store, count: 40)
                    let orderBy = Self.orderings[ordering]
                    let filter = Self.filter(filterIndex)
                    // What the revision holds, read in one page before any concurrent write.
                    let whole = try store.listDeals(filter: filter, orderBy: orderBy, pageSize: 1_000)
                    var page = try store.listDeals(filter: filter, orderBy: orderBy, pageSize: pageSize)
                    #expect(page.revision == whole.revision)
                    var seen = page.deals
                    let writer = Task { await Self.churn(store, seed: seed) }
                    defer { writer.cancel() }
                    while !page.nextPageToken.isEmpty {
                        // Let the writer make progress between pages: each page is read at a newer latest revision.
                        for _ in 0..<3 {
                            _ = try await store.createDeal(TestStores.deal("between-\(UUID().uuidString.lowercased())"))
                        }
                        page = try store.listDeals(
                            filter: filter,
                            orderBy: orderBy,
                            pageSize: pageSize,
                            pageToken: page.nextPageToken
                        )
                        #expect(page.revision == whole.revision, "a page was read at another revision")
                        #expect(store.revision > whole.revision)
                        #expect(page.totalSize == whole.totalSize)
                        seen += page.deals
                    }
                    writer.cancel()
                    _ = await writer.value
                    #expect(
                        seen.map(\.id) == whole.deals.map(\.id),
                        "pages (size \(pageSize), order \"\(orderBy)\", filter \(filterIndex)) differ from revision \(whole.revision)"
                    )
                    #expect(seen == whole.deals, "a deal's content differs from its revision's")
                }
            } catch {
                Issue.record(error)
            }
        }
    }
}
