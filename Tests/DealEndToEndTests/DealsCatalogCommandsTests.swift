import DealTestSupport
import Foundation
import Testing

/// `deals sources --catalog/--catalog-id` (ListSources, ListSourceReports by catalog id) and `deals fx show/import
/// --check` (GetFXTable, ImportFXRates) against the bundled data; the shared server's table is never replaced.
@Suite("deals source catalog and FX table", .sharedServer, .timeLimit(.minutes(2)))
struct DealsCatalogCommandsTests {
    @Test("sources --catalog: each distinct source once; --catalog-id: the records citing one")
    func catalog() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let all = try await deals.run(["sources", "--catalog", "-o", "json"])
        #expect(all.status == 0, "\(all)")
        #expect(try !all.jsonArray().isEmpty, "\(all)")
        let ft = try await deals.run(["sources", "--catalog", "--publisher", "Financial Times", "-o", "json"])
        let sources = try ft.jsonArray()
        #expect(sources.count == 1, "\(ft)")
        let id = try #require(sources.first?["id"] as? String)
        let citing = try await deals.run(["sources", "--catalog-id", id, "-o", "json"])
        #expect(try citing.jsonArray().compactMap { $0["dealId"] as? String } == ["google-anthropic-2023-02"])
        let table = try await deals.run(["sources", "--catalog", "--publisher", "Financial Times"])
        #expect(table.output.contains(id) && table.output.contains("1 source in the catalog"), "\(table)")
        let mixed = try await deals.run(["sources", "--catalog", "--deal", "x"])
        #expect(mixed.status != 0 && mixed.error.contains("--catalog"), "\(mixed)")
    }

    @Test("fx show prints the table in use; fx import --check reads a file and changes nothing")
    func fx() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let show = try await deals.run(["fx", "show"])
        #expect(show.status == 0, "\(show)")
        #expect(show.output.contains("bundled with DealStore") && show.output.contains("ECB"), "\(show)")
        let check = try await deals.run(
            ["fx", "import", "-", "--source", "test desk", "--check", "-o", "json"],
            input: "Date,USD,JPY,\n2024-01-03,1.09,158.1,\n"
        )
        #expect(check.status == 0, "\(check)")
        #expect((try check.jsonObject()["dayCount"] as? Int) == 1, "\(check)")
        let bad = try await deals.run(
            ["fx", "import", "-", "--source", "test desk", "--check"],
            input: "Date,USD\n2024-01-03,1;09\n"
        )
        #expect(bad.status != 0 && bad.error.contains("line 2, column 2 (USD)"), "\(bad)")
        #expect(try await deals.run(["fx", "show"]).output.contains("bundled with DealStore"))
    }
}
