import DealTestSupport
import Foundation
import Testing

/// The evidence views against the bundled dataset: from a figure to its sentence, from a claim to its words.
@Suite("deals evidence commands", .sharedServer, .timeLimit(.minutes(2)))
struct DealsEvidenceCommandsTests {
    @Test("get --evidence: every Amazon figure leads to the French sentence behind it")
    func getEvidence() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["get", "amazon-anthropic-2023", "--evidence"])
        #expect(result.status == 0, "\(result)")
        let lines = result.lines
        let start = try #require(lines.firstIndex(of: "Evidence"), "\(result)")
        let option = try #require(lines[start...].firstIndex(of: "  tranche option-exercise: amount = $2.75B"))
        #expect(lines[option + 1] == "    seed-000, paragraph 1, sentence 1:", "\(result)")
        #expect(lines[option + 2].contains("qui vient de parier 2,75 milliards de plus"), "\(result)")
        for figure in [
            "  deal: amount = $1.25B", "  deal: commitment_cap = $4B", "  deal: announced = Sep 2023",
            "  deal: closed = Q1 2024", "  participation amazon: stake = <50%", "  option up-to-4b: maximum = $4B",
            "  term AWS: value = AWS", "  claim reversed-bets: claimed_value = target_id = openai",
        ] {
            #expect(lines.contains(figure), "no \(figure) in:\n\(result.output)")
        }
        #expect(!lines.contains("Without evidence"), "every figure of the bundled deal has evidence:\n\(result.output)")
        let csv = try await deals.run(["get", "amazon-anthropic-2023", "--evidence", "-o", "csv"])
        #expect(csv.status == 0, "\(csv)")
        let rows = try DealCSV.table(csv.output)
        #expect(rows.header.first == "record_id", "\(csv)")
        #expect(rows.rows.count > 30, "\(csv)")
        #expect(rows.rows.allSatisfy { $0["text"]?.isEmpty == false }, "every row quotes an excerpt: \(csv)")
    }

    @Test("conflicts shows the words that make each claim")
    func conflictQuotes() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let table = try await deals.run(["conflicts"])
        #expect(table.status == 0, "\(table)")
        let parsed = try DealTextTable(table.output)
        let google = try #require(parsed.row(where: "DEAL", is: "google-anthropic-2023-10"), "\(table)")
        #expect(parsed.cell("QUOTE", in: google)?.contains("investi massivement dans OpenAI") == true, "\(table)")
        let json = try await deals.run(["conflicts", "-o", "json"])
        for conflict in try json.jsonArray() {
            let claim = try #require(conflict["claim"] as? [String: Any])
            #expect((claim["evidence"] as? [Any])?.isEmpty == false, "\(conflict)")
            let source = try #require(conflict["source"] as? [String: Any])
            #expect((source["excerpts"] as? [Any])?.isEmpty == false, "\(conflict)")
        }
    }

    @Test("sources: the seed articles back the most figures; the quoted releases back figures through them")
    func sources() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["sources", "-o", "json"])
        #expect(json.status == 0, "\(json)")
        let rows = try json.jsonArray()
        func row(_ id: String) -> [String: Any]? {
            rows.first { ($0["source"] as? [String: Any])?["id"] as? String == id }
        }
        let seed004 = try #require(row("seed-004"), "\(json)")
        let seed000 = try #require(row("seed-000"), "\(json)")
        #expect(DealJSONNumber.int64(seed004["figureCount"]).map { $0 > 40 } == true, "\(seed004)")
        #expect(DealJSONNumber.int64(seed000["quotedFigureCount"]).map { $0 > 10 } == true, "\(seed000)")
        let statement = try #require(row("amazon-statement"), "\(json)")
        #expect(DealJSONNumber.int64(statement["figureCount"]).map { $0 > 0 } == true, "\(statement)")
        #expect(DealJSONNumber.int64(statement["quotedFigureCount"]) == 0, "\(statement)")
        let table = try await deals.run(["sources"])
        let parsed = try DealTextTable(table.output, footerLines: 1)
        #expect(Array(parsed.names.prefix(2)) == ["ID", "PUBLISHER"], "\(table)")
        #expect(parsed.rows.first.flatMap { parsed.cell("ID", in: $0) } == "seed-004", "\(table)")
        let one = try await deals.run(["sources", "--deal", "google-anthropic-2023-02", "-o", "json"])
        #expect(
            try one.jsonArray().compactMap { ($0["source"] as? [String: Any])?["id"] as? String }.sorted()
                == ["financial-times", "seed-004"],
            "\(one)"
        )
    }
}
