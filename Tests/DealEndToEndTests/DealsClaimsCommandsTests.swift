import DealTestSupport
import Foundation
import Testing

/// `deals sources --publisher` (ListSourceReports) and `deals conflicts --status/--organization` (issue 18 part 6)
/// against the bundled data.
@Suite("deals claims and source reports", .sharedServer, .timeLimit(.minutes(2)))
struct DealsClaimsCommandsTests {
    @Test("sources --publisher: every record citing the publisher, answered by the server")
    func publisher() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["sources", "--publisher", "techcrunch", "-o", "json"])
        #expect(json.status == 0, "\(json)")
        let rows = try json.jsonArray()
        let records = rows.map { ($0["dealId"] as? String) ?? "org:" + (($0["organizationId"] as? String) ?? "") }
        #expect(records == ["org:anthropic", "amazon-anthropic-2023", "microsoft-openai-2023"], "\(json)")
        let table = try await deals.run(["sources", "--publisher", "Financial Times"])
        #expect(table.status == 0, "\(table)")
        let parsed = try DealTextTable(table.output, footerLines: 1)
        #expect(Array(parsed.names.prefix(2)) == ["RECORD", "TITLE"], "\(table)")
        #expect(parsed.rows.count == 1, "\(table)")
        #expect(parsed.rows.first.flatMap { parsed.cell("RECORD", in: $0) } == "deal google-anthropic-2023-02")
        let both = try await deals.run(["sources", "--publisher", "FT", "--deal", "x"])
        #expect(both.status != 0, "\(both)")
        #expect(both.error.contains("--deal cannot be combined"), "\(both)")
    }

    @Test("conflicts --status: the bundled (untyped) claims are open, none resolved")
    func status() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let open = try await deals.run(["conflicts", "--status", "open", "-o", "json"])
        #expect(open.status == 0, "\(open)")
        #expect(try open.jsonArray().count >= 3, "\(open)")
        let resolved = try await deals.run(["conflicts", "--status", "resolved", "-o", "json"])
        #expect(resolved.status == 0, "\(resolved)")
        #expect(
            try resolved.jsonArray().allSatisfy {
                (($0["claim"] as? [String: Any])?["status"] as? String) == "CLAIM_STATUS_RESOLVED"
            },
            "\(resolved)"
        )
        let bad = try await deals.run(["conflicts", "--status", "maybe"])
        #expect(bad.status != 0, "\(bad)")
        #expect(bad.error.contains("not a claim status"), "\(bad)")
        let organization = try await deals.run(["conflicts", "--organization", "anthropic", "-o", "json"])
        #expect(organization.status == 0, "\(organization)")
        #expect(try organization.jsonArray().isEmpty, "\(organization)")
    }

    @Test("list --normalize --currency EUR: every deal's amount converted into EUR beside the native one")
    func listNormalized() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let table = try await deals.run(["list", "--normalize", "--currency", "EUR", "--target", "openai"])
        #expect(table.status == 0, "\(table)")
        let parsed = try DealTextTable(table.output, footerLines: 1)
        #expect(parsed.names.contains("IN EUR"), "\(table)")
        let row = try #require(parsed.row(where: "ID", is: "microsoft-openai-2019"), "\(table)")
        // USD 1B in July 2019 at the ECB's rates is about EUR 890M.
        #expect(parsed.cell("IN EUR", in: row, rightAligned: true)?.hasPrefix("€") == true, "\(table)")
        let csv = try await deals.run(["list", "--normalize", "--currency", "EUR", "--target", "openai", "-o", "csv"])
        let lines = csv.output.split(separator: "\n")
        #expect(lines.first?.hasSuffix("amount_normalized,normalized_currency") == true, "\(csv)")
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",EUR") }, "\(csv)")
        // Without --normalize, --currency still restricts: no bundled deal is in EUR.
        let restricted = try await deals.run(["list", "--currency", "EUR", "-o", "json"])
        #expect(try restricted.jsonArray().isEmpty, "\(restricted)")
    }
}
