import DealCommandLine
import DealModel
import Foundation
import Testing

/// Issue 18 part 6: the `deals get` and `deals conflicts` tables say whether each claim is open or resolved, who
/// resolved it and when; `deals sources --catalog` lists the source catalog.
@Suite("Claim status and source catalog views")
struct DealClaimStatusViewsTests {
    static func deal(resolved: Bool) -> Dealstore_V1_Deal {
        var deal = DealTestFixtures.amazonAnthropic
        var claim = Dealstore_V1_DisputedClaim()
        claim.id = "c1"
        claim.field = "target_id"
        claim.claimedValue = "openai"
        claim.acceptedValue = "anthropic"
        claim.sourceID = "seed-000"
        if resolved {
            claim.status = .resolved
            claim.resolvedBy = "analyst-jane"
            // 2025-12-01 14:03:20 UTC.
            claim.resolvedTimeMicros = 1_764_597_800_000_000
        }
        deal.disputedClaims = [claim]
        return deal
    }

    @Test("deals get: a resolved claim shows who resolved it and when; an untyped one is open")
    func getTable() throws {
        let resolved = try DealViews.deal(Self.deal(resolved: true)).render(as: .table, width: 200)
        #expect(resolved.contains("STATUS"), "\(resolved)")
        #expect(resolved.contains("resolved by analyst-jane 2025-12-01 14:03Z"), "\(resolved)")
        let open = try DealViews.deal(Self.deal(resolved: false)).render(as: .table, width: 200)
        #expect(open.contains(" open "), "\(open)")
        #expect(!open.contains("resolved"), "\(open)")
    }

    @Test("deals conflicts: a status column in the table, status, resolved_by and resolved_time in the CSV")
    func conflictsTable() throws {
        var conflict = Dealstore_V1_Conflict()
        let deal = Self.deal(resolved: true)
        conflict.dealID = deal.id
        conflict.claim = deal.disputedClaims[0]
        let document = DealViews.conflicts([conflict])
        let table = try document.render(as: .table, width: 240)
        #expect(table.split(separator: "\n").first?.contains("STATUS") == true, "\(table)")
        #expect(table.contains("resolved by analyst-jane"), "\(table)")
        let row = try #require(document.csvRows.first)
        let cell = { (name: String) in document.csvHeader.firstIndex(of: name).map { row[$0] } }
        #expect(cell("status") == "resolved")
        #expect(cell("resolved_by") == "analyst-jane")
        #expect(cell("resolved_time") == "2025-12-01 14:03Z")
    }

    @Test("deals sources --catalog: one row per catalog source with its id and citation count")
    func catalogTable() throws {
        var source = Dealstore_V1_CatalogSource()
        source.id = "src-0123456789abcdef"
        source.publisher = "Financial Times"
        source.title = "Google invests in Anthropic"
        source.citationCount = 2
        source.publishers = ["financial times"]
        let document = DealViews.catalogSources([source])
        let table = try document.render(as: .table, width: 200)
        #expect(table.contains("src-0123456789abcdef"), "\(table)")
        #expect(table.contains("1 source in the catalog"), "\(table)")
        #expect(document.csvRows.first?[5] == "2")
    }
}
