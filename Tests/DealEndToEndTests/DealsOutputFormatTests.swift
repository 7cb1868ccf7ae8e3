import DealTestSupport
import Foundation
import Testing

/// Every output format of every command that has one, checked by parsing, not by "non-empty".
@Suite("deals output formats", .sharedServer, .timeLimit(.minutes(2)))
struct DealsOutputFormatTests {
    /// A command whose output is checked in each format against its own JSON output.
    struct FormatCommand: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// True when `-o json` prints one object rather than an array.
        var single = false
        /// The CSV data rows expected from the JSON document (default: one per JSON record).
        var csvRows: @Sendable (Any) -> Int = { json in (json as? [Any])?.count ?? 1 }
        /// The first header cells of the table (nil: the command prints a field list, not a table).
        var tableHeader: [String]?

        var testDescription: String { self.arguments.joined(separator: " ") }
    }

    static let commands: [FormatCommand] = [
        FormatCommand(arguments: ["list"], tableHeader: ["ID", "ANNOUNCED", "TARGET"]),
        FormatCommand(arguments: ["get", "google-anthropic-2023-02"], single: true),
        FormatCommand(
            arguments: ["totals", "--by", "investor"],
            csvRows: { json in
                ((json as? [[String: Any]]) ?? []).reduce(0) { $0 + (($1["totals"] as? [Any])?.count ?? 0) }
            },
            tableHeader: ["GROUP", "DEALS", "COMMITTED", "FUNDED"]
        ),
        FormatCommand(
            arguments: ["timeline", "openai"],
            single: true,
            csvRows: { json in ((json as? [String: Any])?["events"] as? [Any])?.count ?? -1 },
            tableHeader: ["DATE", "EVENT", "DEAL", "AMOUNT", "DESCRIPTION"]
        ),
        FormatCommand(arguments: ["coinvestors", "amazon"], tableHeader: ["ID", "NAME", "SHARED TARGETS", "DEALS"]),
        FormatCommand(arguments: ["top", "2"], tableHeader: ["ID", "ANNOUNCED", "TARGET"]),
        FormatCommand(arguments: ["conflicts"], tableHeader: ["DEAL", "FIELD", "CLAIMED", "ACCEPTED"]),
        FormatCommand(arguments: ["orgs", "list"], tableHeader: ["ID", "NAME", "KIND"]),
        FormatCommand(arguments: ["orgs", "get", "anthropic"], single: true),
        FormatCommand(arguments: ["health"], single: true),
        FormatCommand(arguments: ["server-info"], single: true),
    ]

    static let formats = ["json", "jsonl", "csv", "table"]

    @Test("each format parses and agrees with -o json", arguments: Self.commands, Self.formats)
    func formatAgreesWithJSON(_ command: FormatCommand, _ format: String) async throws {
        let deals = try DealEndToEndServer.shared.deals
        let reference = try await deals.run(command.arguments + ["-o", "json"])
        #expect(reference.status == 0, "\(reference)")
        let json = try reference.json()
        let records: [Any] = command.single ? [json] : try #require(json as? [Any], "not an array: \(reference)")
        if command.single {
            #expect(json is [String: Any], "-o json of one record must be an object: \(reference)")
        }
        #expect(!records.isEmpty, "\(reference)")

        let result = try await deals.run(command.arguments + ["--output", format])
        #expect(result.status == 0, "\(result)")
        switch format {
        case "json":
            // Deterministic output: the same document twice (server-info's uptime aside).
            if command.arguments.first != "server-info" {
                #expect(result.output == reference.output, "\(result)")
            }
        case "jsonl":
            let lines = try result.jsonLines()
            #expect(lines.count == records.count, "\(result)")
            if command.arguments.first != "server-info" {
                for (line, record) in zip(lines, records) {
                    #expect(NSDictionary(dictionary: line).isEqual(record), "\(line) != \(record)")
                }
            }
        case "csv":
            let (header, rows) = try DealCSV.table(result.output)
            #expect(!header.isEmpty && header.allSatisfy { !$0.isEmpty && $0 == $0.lowercased() }, "\(result)")
            #expect(rows.count == command.csvRows(json), "\(result)")
        default:
            #expect(!result.output.isEmpty, "\(result)")
            #expect(!result.output.contains("{"), "a table, not JSON: \(result)")
            if let expected = command.tableHeader {
                let table = try DealTextTable(result.output)
                #expect(Array(table.names.prefix(expected.count)) == expected, "\(result)")
            }
        }
    }

    @Test("list -o csv: exact decimals, currencies, ISO dates, etags")
    func listCSV() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["list", "-o", "csv"])
        #expect(result.status == 0, "\(result)")
        let (header, rows) = try DealCSV.table(result.output)
        #expect(
            header == [
                "id", "announced", "target_id", "investor_ids", "type", "status", "amount", "currency",
                "commitment_cap", "cap_currency", "title", "etag",
            ],
            "\(result)"
        )
        let amazon = try #require(rows.first { $0["id"] == "amazon-anthropic-2023" }, "\(result)")
        #expect(amazon["announced"] == "2023-09")
        #expect(amazon["target_id"] == "anthropic")
        #expect(amazon["investor_ids"] == "amazon")
        #expect(amazon["type"] == "corporate-strategic")
        #expect(amazon["amount"] == "1250000000")
        #expect(amazon["currency"] == "USD")
        #expect(amazon["commitment_cap"] == "4000000000")
        #expect(amazon["cap_currency"] == "USD")
        #expect(amazon["title"] == "Amazon invests up to $4B in Anthropic")
        let json = try await deals.run(["get", "amazon-anthropic-2023", "-o", "json"])
        let etag = (try json.jsonObject()["meta"] as? [String: Any])?["etag"] as? String
        #expect(amazon["etag"] == etag, "\(json)")
        let microsoft = try #require(rows.first { $0["id"] == "microsoft-openai-2019" })
        #expect(microsoft["announced"] == "2019")
        #expect(microsoft["commitment_cap"] == "")
        #expect(microsoft["amount"] == "1000000000")
    }

    @Test("totals -o csv: one row per group and currency with exact committed and funded")
    func totalsCSV() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["totals", "--by", "investor", "-o", "csv"])
        #expect(result.status == 0, "\(result)")
        let (header, rows) = try DealCSV.table(result.output)
        #expect(
            header == [
                "key", "label", "deal_count", "currency", "committed", "funded", "converted_count",
                "unconverted_count", "unconverted", "rates",
            ],
            "\(result)"
        )
        let byKey = Dictionary(rows.map { ($0["key"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byKey["amazon"]?["committed"] == "4000000000", "\(result)")
        #expect(byKey["amazon"]?["funded"] == "4000000000", "\(result)")
        #expect(byKey["amazon"]?["currency"] == "USD", "\(result)")
        #expect(byKey["google"]?["committed"] == "2300000000", "\(result)")
        #expect(byKey["google"]?["funded"] == "800000000", "\(result)")
        #expect(byKey["google"]?["deal_count"] == "2", "\(result)")
        #expect(byKey["microsoft"]?["label"] == "Microsoft", "\(result)")
        #expect(byKey["microsoft"]?["funded"] == "0", "\(result)")
    }

    @Test("csv quotes cells with commas and quotes (the conflicts' explanations)")
    func conflictsCSVQuoting() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["conflicts", "-o", "json"])
        let explanations = try json.jsonArray().compactMap {
            ($0["claim"] as? [String: Any])?["explanation"] as? String
        }
        #expect(explanations.count == 3, "\(json)")
        // The check is only meaningful if some cell needs quoting.
        #expect(explanations.contains { $0.contains(",") || $0.contains("\"") }, "\(explanations)")
        let csv = try await deals.run(["conflicts", "-o", "csv"])
        #expect(csv.status == 0, "\(csv)")
        let (header, rows) = try DealCSV.table(csv.output)
        #expect(header.first == "deal_id" && header.contains("explanation"), "\(csv)")
        #expect(rows.compactMap { $0["explanation"] }.sorted() == explanations.sorted(), "\(csv)")
        for row in rows {
            // The seed articles name no publisher of their own: the source is named by its id.
            #expect(row["source_id"]?.isEmpty == false, "\(row)")
            #expect(row["quote"]?.isEmpty == false, "\(row)")
        }
    }

    @Test("output options before the subcommand are honoured too")
    func hoistedOptions() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["-o", "jsonl", "list", "--investor", "amazon"])
        #expect(result.status == 0, "\(result)")
        #expect(try result.jsonLines().compactMap { $0["id"] as? String } == ["amazon-anthropic-2023"], "\(result)")
        let bad = try await deals.run(["list", "-o", "xml"])
        #expect(bad.status == 2, "\(bad)")
    }
}
