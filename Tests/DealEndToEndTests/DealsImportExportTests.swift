import DealTestSupport
import Foundation
import Testing

/// `deals import` of good and bad lines, and `deals export` → `deals import` between two daemons.
@Suite("deals import and export", .serialized, .timeLimit(.minutes(2)))
struct DealsImportExportTests {
    /// A file mixing good lines, unreadable lines and lines the server rejects or skips.
    static let mixedFile =
        [
            #"{"organization": {"id": "e2e-import-co", "name": "E2E Import Co", "kind": "ORGANIZATION_KIND_COMPANY"}}"#,
            #"{"deal": {"id": "e2e-import-1", "targetId": "e2e-import-co", "participations": [{"investorId": "amazon"}], "#
                + #""amount": {"currencyCode": "USD", "units": "42000000"}}}"#,
            "this is not json",
            "",
            #"{"deal": {"id": "e2e-import-2", "targetId": "no-such-organization"}}"#,
            #"{"organization": {"id": "amazon", "name": "Amazon"}}"#,
            #"{"deal": {"id": "e2e-import-3", "noSuchField": 1}}"#,
            "{}",
            #"{"deal": {"id": "e2e-import-4", "targetId": "anthropic", "participations": [{"investorId": "google"}]}}"#,
        ].joined(separator: "\n") + "\n"

    @Test("import reports created, skipped and rejected lines with line numbers and reasons; exit 2")
    func importGoodAndBadLines() async throws {
        try await DealEndToEndServer.withServer { server in
            let deals = server.deals
            let path = try server.sandbox.write(Self.mixedFile, to: "mixed.jsonl")

            let check = try await deals.run(["import", path, "--check"])
            #expect(check.status == 2, "\(check)")
            #expect(check.output == "5 readable records, 3 unreadable lines\n", "\(check)")
            #expect(check.error.contains("line 3: not a JSON object"), "\(check)")

            let result = try await deals.run(["import", path])
            #expect(result.status == 2, "documented: exit 2 when any line was unreadable or rejected\n\(result)")
            let summary = try #require(result.lines.last, "\(result)")
            #expect(
                summary.hasPrefix("created 3, updated 0, skipped 1, rejected 4 (3 unreadable lines); store revision "),
                "\(result)"
            )
            let problems = result.error.split(separator: "\n").map(String.init)
            #expect(problems.count == 5, "\(result)")
            #expect(problems.count >= 4 && problems[0] == "line 3: skipped, not a JSON object", "\(result)")
            #expect(problems.count >= 4 && problems[1].hasPrefix("line 5 (e2e-import-2): rejected, "), "\(result)")
            #expect(problems.contains { $0.hasPrefix("line 5") && $0.contains("no-such-organization") }, "\(result)")
            #expect(
                problems.count >= 4
                    && problems[2].hasPrefix("line 7: skipped, not a DealRecord in the protobuf JSON mapping"),
                "\(result)"
            )
            #expect(problems.count >= 4 && problems[3] == #"line 8: skipped, neither "organization" nor "deal""#)
            #expect(problems.last == "deals: 4 records not imported (see above)", "\(result)")

            #expect(try await deals.run(["get", "e2e-import-1"]).status == 0)
            #expect(try await deals.run(["get", "e2e-import-4"]).status == 0)
            #expect(try await deals.run(["orgs", "get", "e2e-import-co"]).status == 0)
            #expect(try await deals.run(["get", "e2e-import-2"]).status == 3)
            #expect(try await deals.run(["get", "e2e-import-3"]).status == 3)
            let amazon = try await deals.run(["orgs", "get", "amazon", "-o", "json"])
            #expect(try amazon.jsonObject()["website"] as? String == "https://www.amazon.com", "skipped, not replaced")

            // The good lines again, from stdin: all skipped, exit 0; with --on-conflict replace: updated.
            let good = Self.mixedFile.split(separator: "\n").filter {
                $0.contains("e2e-import-1") || $0.contains("e2e-import-co")
            }
            .joined(separator: "\n")
            let skipped = try await deals.run(["import", "-"], input: good)
            #expect(skipped.status == 0, "\(skipped)")
            #expect(skipped.output.hasPrefix("created 0, updated 0, skipped 2, rejected 0"), "\(skipped)")
            let replaced = try await deals.run(["import", "-", "--on-conflict", "replace"], input: good)
            #expect(replaced.status == 0, "\(replaced)")
            #expect(replaced.output.hasPrefix("created 0, updated 2, skipped 0, rejected 0"), "\(replaced)")
            let missing = try await deals.run(["import", server.sandbox.scratch + "/no-such-file.jsonl"])
            #expect(missing.status == 2, "\(missing)")
        }
    }

    /// The records of an export, keyed "deal:<id>" / "organization:<id>", without their server-assigned `meta`.
    static func records(_ export: DealCommandResult) throws -> [String: NSDictionary] {
        var records: [String: NSDictionary] = [:]
        for line in try export.jsonLines() {
            let (kind, body) = try #require(line.first, "an empty record: \(line)")
            var record = try #require(body as? [String: Any], "\(line)")
            record["meta"] = nil
            let id = try #require(record["id"] as? String, "\(line)")
            records[kind + ":" + id] = NSDictionary(dictionary: record)
        }
        return records
    }

    @Test("export → import into another daemon round-trips every record")
    func exportImportRoundTrip() async throws {
        try await DealEndToEndServer.withServer { first in
            let added = try await first.deals.run([
                "add", "--id", "e2e-roundtrip", "--target", "openai", "--investor", "microsoft", "--amount",
                "1,25 Md$", "--title", "Round, \"trip\"", "--announced", "27 Oct 2024",
            ])
            #expect(added.status == 0, "\(added)")
            let org = try await first.deals.run(["orgs", "add", "--name", "Round Trip Ltd", "--alias", "RTL"])
            #expect(org.status == 0, "\(org)")

            let export = try await first.deals.run(["export"])
            #expect(export.status == 0, "\(export)")
            #expect(export.error.isEmpty, "\(export)")
            let lines = try export.jsonLines()
            // 7 bundled organizations and the one added, 5 bundled deals and the one added.
            #expect(lines.count == 14, "\(export)")
            // Organizations first, so an import never meets a deal before its organizations.
            let kinds: [String] = lines.compactMap { $0.keys.first }
            let expectedKinds: [String] =
                Array(repeating: "organization", count: 8) + Array(repeating: "deal", count: 6)
            #expect(kinds == expectedKinds, "\(kinds)")
            let exported = try Self.records(export)

            let filtered = try await first.deals.run(["export", "--target", "openai"])
            let filteredDeals = try filtered.jsonLines().filter { $0["deal"] != nil }
            #expect(filteredDeals.count == 3, "\(filtered)")

            try await DealEndToEndServer.withServer { second in
                let imported = try await second.deals.run(["import", "-"], input: export.output)
                #expect(imported.status == 0, "\(imported)")
                #expect(
                    imported.output.hasPrefix("created 2, updated 0, skipped 12, rejected 0; store revision "),
                    "\(imported)"
                )
                let reexport = try await second.deals.run(["export"])
                #expect(try Self.records(reexport) == exported, "the second daemon's export differs")
                let roundTripped = try await second.deals.run(["get", "e2e-roundtrip", "-o", "json"])
                let deal = try roundTripped.jsonObject()
                #expect(deal["title"] as? String == "Round, \"trip\"", "\(roundTripped)")
                #expect(DealMoneyValue(json: deal["amount"]) == DealMoneyValue("USD", units: 1_250_000_000))
            }

            let file = try first.sandbox.write(export.output, to: "all.jsonl")
            let replaced = try await first.deals.run(["import", file, "--on-conflict", "replace"])
            #expect(replaced.status == 0, "\(replaced)")
            #expect(replaced.output.hasPrefix("created 0, updated 14, skipped 0, rejected 0"), "\(replaced)")
        }
    }
}
