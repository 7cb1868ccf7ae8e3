import DealTestSupport
import Foundation
import Testing

/// The read-only commands against the bundled dataset, one daemon for the suite.
@Suite("deals read commands", .sharedServer, .timeLimit(.minutes(2)))
struct DealsReadCommandsTests {
    /// The bundled deals and their headline amounts in USD.
    static let seedAmounts: [String: Int64] = [
        "amazon-anthropic-2023": 1_250_000_000,
        "google-anthropic-2023-02": 300_000_000,
        "google-anthropic-2023-10": 2_000_000_000,
        "microsoft-openai-2019": 1_000_000_000,
        "microsoft-openai-2023": 10_000_000_000,
    ]

    struct ListCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// The ids expected, in order when `ordered`.
        var ids: [String]
        var ordered = false

        var testDescription: String { "list " + self.arguments.joined(separator: " ") }
    }

    static let listCases: [ListCase] = [
        ListCase(arguments: [], ids: seedAmounts.keys.sorted()),
        ListCase(
            arguments: ["--investor", "Amazon", "--since", "2023", "--min", "1B", "--sort", "-amount"],
            ids: ["amazon-anthropic-2023"]
        ),
        ListCase(arguments: ["--investor", "google"], ids: ["google-anthropic-2023-02", "google-anthropic-2023-10"]),
        ListCase(
            arguments: ["--investor", "Alphabet", "--investor", "Microsoft"],
            ids: [
                "google-anthropic-2023-02", "google-anthropic-2023-10", "microsoft-openai-2019",
                "microsoft-openai-2023",
            ]
        ),
        // Microsoft's 2023 deal is known to the year only ("nearly four years" after 2019), so it may be after June.
        ListCase(
            arguments: ["--since", "2023-06"],
            ids: ["amazon-anthropic-2023", "google-anthropic-2023-10", "microsoft-openai-2023"]
        ),
        ListCase(arguments: ["--until", "2019"], ids: ["microsoft-openai-2019"]),
        ListCase(arguments: ["--target", "openai", "--max", "1B"], ids: ["microsoft-openai-2019"]),
        ListCase(arguments: ["--min", "2B"], ids: ["google-anthropic-2023-10", "microsoft-openai-2023"]),
        ListCase(
            arguments: ["--sort", "-amount"],
            ids: [
                "microsoft-openai-2023", "google-anthropic-2023-10", "amazon-anthropic-2023", "microsoft-openai-2019",
                "google-anthropic-2023-02",
            ],
            ordered: true
        ),
        ListCase(
            arguments: ["--sort", "announced"],
            ids: [
                "microsoft-openai-2019", "microsoft-openai-2023", "google-anthropic-2023-02", "amazon-anthropic-2023",
                "google-anthropic-2023-10",
            ],
            ordered: true
        ),
        ListCase(
            arguments: ["--sort", "-amount", "--limit", "2"],
            ids: ["microsoft-openai-2023", "google-anthropic-2023-10"],
            ordered: true
        ),
        ListCase(arguments: ["--status", "closed"], ids: ["amazon-anthropic-2023", "google-anthropic-2023-02"]),
        ListCase(arguments: ["--term", "AWS"], ids: ["amazon-anthropic-2023"]),
        ListCase(arguments: ["--investor", "techcrunch"], ids: []),
    ]

    @Test("list filters and sorts", arguments: Self.listCases)
    func listFiltersAndSorts(_ listCase: ListCase) async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["list"] + listCase.arguments + ["-o", "json"])
        #expect(result.status == 0, "\(result)")
        let ids = try result.jsonArray().compactMap { $0["id"] as? String }
        if listCase.ordered {
            #expect(ids == listCase.ids, "\(result)")
        } else {
            #expect(ids.sorted() == listCase.ids.sorted(), "\(result)")
        }
    }

    @Test("list prints an aligned table with a footer")
    func listTable() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["list", "--sort", "id"])
        #expect(result.status == 0, "\(result)")
        #expect(result.lines.last == "5 deals", "\(result)")
        let table = try DealTextTable(result.output, footerLines: 1)
        #expect(
            table.names == ["ID", "ANNOUNCED", "TARGET", "INVESTORS", "TYPE", "STATUS", "AMOUNT", "CAP", "TITLE"],
            "\(result)"
        )
        #expect(table.rows.count == 5)
        for name in ["ID", "ANNOUNCED", "TARGET", "INVESTORS", "TYPE", "STATUS", "TITLE"] {
            #expect(table.isLeftAligned(name), "column \(name) is not left-aligned:\n\(result.output)")
        }
        for name in ["AMOUNT", "CAP"] {
            #expect(table.isRightAligned(name), "column \(name) is not right-aligned:\n\(result.output)")
        }
        let amazon = try #require(table.row(where: "ID", is: "amazon-anthropic-2023"), "\(result)")
        #expect(table.cell("ANNOUNCED", in: amazon) == "Sep 2023")
        #expect(table.cell("TARGET", in: amazon) == "anthropic")
        #expect(table.cell("INVESTORS", in: amazon) == "amazon")
        #expect(table.cell("STATUS", in: amazon) == "closed")
        #expect(table.cell("AMOUNT", in: amazon, rightAligned: true) == "$1.25B")
        #expect(table.cell("CAP", in: amazon, rightAligned: true) == "$4B")
        let google = try #require(table.row(where: "ID", is: "google-anthropic-2023-10"))
        #expect(table.cell("ANNOUNCED", in: google) == "27 Oct 2023")
        #expect(table.cell("AMOUNT", in: google, rightAligned: true) == "$2B")
        let microsoft = try #require(table.row(where: "ID", is: "microsoft-openai-2023"))
        #expect(table.cell("AMOUNT", in: microsoft, rightAligned: true) == "$10B")
        #expect(table.cell("CAP", in: microsoft, rightAligned: true) == "")
    }

    @Test("get prints the whole deal: JSON with exact amounts, and a detail view")
    func getDeal() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["get", "amazon-anthropic-2023", "-o", "json"])
        #expect(json.status == 0, "\(json)")
        let deal = try json.jsonObject()
        #expect(deal["id"] as? String == "amazon-anthropic-2023")
        #expect(deal["targetId"] as? String == "anthropic")
        #expect(DealMoneyValue(json: deal["amount"]) == DealMoneyValue("USD", units: 1_250_000_000))
        #expect(DealMoneyValue(json: deal["commitmentCap"]) == DealMoneyValue("USD", units: 4_000_000_000))
        let participations = try #require(deal["participations"] as? [[String: Any]])
        #expect(participations.map { $0["investorId"] as? String } == ["amazon"])
        let tranches = try #require(deal["tranches"] as? [[String: Any]], "\(json)")
        let trancheAmounts = tranches.compactMap { DealMoneyValue(json: $0["amount"]) }
        #expect(trancheAmounts.contains(DealMoneyValue("USD", units: 2_750_000_000)), "\(tranches)")
        #expect(trancheAmounts.reduce(0) { $0 + $1.units } == 4_000_000_000, "\(tranches)")
        let etag = (deal["meta"] as? [String: Any])?["etag"] as? String
        #expect(etag?.isEmpty == false, "\(json)")

        let detail = try await deals.run(["get", "amazon-anthropic-2023"])
        #expect(detail.status == 0, "\(detail)")
        let fields = Dictionary(
            detail.lines.prefix { !$0.isEmpty && !$0.hasPrefix("Participations") }.compactMap { line in
                line.firstIndex(of: ":").map {
                    (String(line[..<$0]), line[line.index(after: $0)...].trimmingCharacters(in: .whitespaces))
                }
            },
            uniquingKeysWith: { first, _ in first }
        )
        #expect(fields["id"] == "amazon-anthropic-2023", "\(detail)")
        #expect(fields["amount"] == "$1.25B", "\(detail)")
        #expect(fields["cap"] == "$4B", "\(detail)")
        #expect(fields["status"] == "closed", "\(detail)")
        #expect(fields["etag"] == etag, "\(detail)")
        for section in ["Participations", "Tranches", "Sources", "Disputed claims"] {
            #expect(detail.lines.contains(section), "no \(section) section:\n\(detail.output)")
        }
        #expect(detail.output.contains("$2.75B"), "\(detail)")
    }

    struct TotalsCase: Sendable, CustomTestStringConvertible {
        var grouping: String
        /// key → (deal count, committed, funded) in USD units.
        var expected: [String: (deals: Int, committed: Int64, funded: Int64)]

        var testDescription: String { "totals --by \(self.grouping)" }
    }

    static let totalsCases: [TotalsCase] = [
        TotalsCase(
            grouping: "investor",
            expected: [
                "amazon": (1, 4_000_000_000, 4_000_000_000),
                "google": (2, 2_300_000_000, 800_000_000),
                "microsoft": (2, 11_000_000_000, 0),
            ]
        ),
        TotalsCase(
            grouping: "target",
            expected: [
                "anthropic": (3, 6_300_000_000, 4_800_000_000),
                "openai": (2, 11_000_000_000, 0),
            ]
        ),
        TotalsCase(
            grouping: "year",
            expected: [
                "2019": (1, 1_000_000_000, 0),
                "2023": (4, 16_300_000_000, 4_800_000_000),
            ]
        ),
        TotalsCase(
            grouping: "quarter",
            expected: [
                "2019-Q?": (1, 1_000_000_000, 0),
                "2023-Q1": (1, 300_000_000, 300_000_000),
                "2023-Q?": (1, 10_000_000_000, 0),
                "2023-Q3": (1, 4_000_000_000, 4_000_000_000),
                "2023-Q4": (1, 2_000_000_000, 500_000_000),
            ]
        ),
        TotalsCase(grouping: "type", expected: ["DEAL_TYPE_CORPORATE_STRATEGIC": (5, 17_300_000_000, 4_800_000_000)]),
        // The bundled targets (Anthropic, OpenAI) are both AI labs headquartered in the US.
        TotalsCase(grouping: "industry", expected: ["artificial-intelligence": (5, 17_300_000_000, 4_800_000_000)]),
        TotalsCase(grouping: "country", expected: ["US": (5, 17_300_000_000, 4_800_000_000)]),
    ]

    @Test("totals --by each grouping, in JSON", arguments: Self.totalsCases)
    func totals(_ totalsCase: TotalsCase) async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["totals", "--by", totalsCase.grouping, "-o", "json"])
        #expect(result.status == 0, "\(result)")
        let groups = try result.jsonArray()
        #expect(!groups.isEmpty, "\(result)")
        var dealCount = 0
        var committedSum: Int64 = 0
        for group in groups {
            let key = try #require(group["key"] as? String, "\(group)")
            let count = Int(DealJSONNumber.int64(group["dealCount"]) ?? -1)
            dealCount += count
            let totals = try #require(group["totals"] as? [[String: Any]], "\(group)")
            let usd = try #require(totals.first { $0["currencyCode"] as? String == "USD" }, "\(group)")
            let committed = try #require(DealMoneyValue(json: usd["committed"]), "\(usd)")
            let funded = DealMoneyValue(json: usd["funded"]) ?? DealMoneyValue("USD", units: 0)
            committedSum += committed.units
            if let expected = totalsCase.expected[key] {
                #expect(count == expected.deals, "\(key): \(group)")
                #expect(committed.units == expected.committed, "\(key): \(group)")
                #expect(funded.units == expected.funded, "\(key): \(group)")
            }
        }
        for key in totalsCase.expected.keys {
            #expect(groups.contains { $0["key"] as? String == key }, "no group \(key) in \(result)")
        }
        if totalsCase.grouping != "investor" {
            // Every deal is in exactly one target, year, quarter and type group (and, in the bundled data, one
            // industry and one country).
            #expect(dealCount == 5, "\(result)")
            #expect(committedSum == 17_300_000_000, "\(result)")
        }
    }

    @Test("totals table: committed and funded columns, bars from --funded")
    func totalsTable() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let committed = try await deals.run(["totals", "--by", "investor"])
        #expect(committed.status == 0, "\(committed)")
        // Under the table: an empty line, "Totals in USD; ... no rate used." and the pointer to --native.
        let table = try DealTextTable(committed.output, footerLines: 3)
        #expect(Array(table.names.prefix(4)) == ["GROUP", "DEALS", "COMMITTED", "FUNDED"], "\(committed)")
        let amazon = try #require(table.row(where: "GROUP", is: "Amazon"), "\(committed)")
        #expect(table.cell("DEALS", in: amazon, rightAligned: true) == "1")
        #expect(table.cell("COMMITTED", in: amazon, rightAligned: true) == "$4B")
        #expect(table.cell("FUNDED", in: amazon, rightAligned: true) == "$4B")
        let google = try #require(table.row(where: "GROUP", is: "Google"))
        #expect(table.cell("COMMITTED", in: google, rightAligned: true) == "$2.3B")
        #expect(table.cell("FUNDED", in: google, rightAligned: true) == "$800M")
        for name in ["DEALS", "COMMITTED", "FUNDED"] {
            #expect(table.isRightAligned(name), "\(name) not right-aligned:\n\(committed.output)")
        }

        // Deal types read as everywhere else in the CLI (the TYPE column, --type), not as protobuf names.
        let byType = try await deals.run(["totals", "--by", "type"])
        let typeTable = try DealTextTable(byType.output, footerLines: 3)
        #expect(typeTable.rows.count == 1, "\(byType)")
        #expect(typeTable.rows.first.flatMap { typeTable.cell("GROUP", in: $0) } == "corporate-strategic", "\(byType)")

        func barLength(_ output: String, _ group: String) -> Int {
            let line = output.split(separator: "\n").first { $0.hasPrefix(group + " ") } ?? ""
            return line.filter { "▏▎▍▌▋▊▉█".contains($0) }.count
        }
        let funded = try await deals.run(["totals", "--by", "investor", "--funded"])
        #expect(funded.status == 0, "\(funded)")
        // Committed: Microsoft's $11B is the longest bar; funded: Microsoft has funded nothing, Amazon the most.
        #expect(barLength(committed.output, "Microsoft") == 30, "\(committed)")
        #expect(barLength(committed.output, "Amazon") < 30, "\(committed)")
        #expect(barLength(funded.output, "Microsoft") == 0, "\(funded)")
        #expect(barLength(funded.output, "Amazon") == 30, "\(funded)")
    }

    @Test("timeline: events in date order, with the valuations")
    func timeline() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["timeline", "Anthropic", "-o", "json"])
        #expect(json.status == 0, "\(json)")
        let timeline = try json.jsonObject()
        let events = try #require(timeline["events"] as? [[String: Any]], "\(json)")
        let announced = events.filter { $0["kind"] as? String == "TIMELINE_EVENT_KIND_DEAL_ANNOUNCED" }
        #expect(
            announced.compactMap { $0["dealId"] as? String }
                == ["google-anthropic-2023-02", "amazon-anthropic-2023", "google-anthropic-2023-10"],
            "\(json)"
        )
        let valuations = try #require(timeline["valuations"] as? [[String: Any]], "\(json)")
        #expect(
            valuations.contains { DealMoneyValue(json: $0["amount"]) == DealMoneyValue("USD", units: 5_000_000_000) },
            "\(json)"
        )

        let table = try await deals.run(["timeline", "anthropic"])
        #expect(table.status == 0, "\(table)")
        #expect(table.lines.first?.hasPrefix("DATE") == true, "\(table)")
        #expect(table.output.contains("deal-announced"), "\(table)")
        #expect(table.output.contains("$2.75B"), "\(table)")
        #expect(table.output.contains("VALUATION AS OF"), "\(table)")

        let missing = try await deals.run(["timeline", "no-such-company"])
        #expect(missing.status == 3, "\(missing)")
    }

    @Test("coinvestors: who invested alongside Google")
    func coinvestors() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["coinvestors", "Google", "-o", "json"])
        #expect(json.status == 0, "\(json)")
        let coinvestors = try json.jsonArray()
        #expect(coinvestors.compactMap { $0["organizationId"] as? String } == ["amazon"], "\(json)")
        #expect(coinvestors.first?["sharedTargetIds"] as? [String] == ["anthropic"], "\(json)")
        #expect(coinvestors.first?["dealIds"] as? [String] == ["amazon-anthropic-2023"], "\(json)")
        let table = try await deals.run(["coinvestors", "google"])
        #expect(table.status == 0, "\(table)")
        let parsed = try DealTextTable(table.output)
        #expect(parsed.names == ["ID", "NAME", "SHARED TARGETS", "DEALS"], "\(table)")
        #expect(parsed.rows.count == 1)
        #expect(parsed.row(where: "ID", is: "amazon").map { parsed.cell("DEALS", in: $0) } == "amazon-anthropic-2023")
    }

    @Test("top N: the largest deals by headline amount")
    func top() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["top", "3", "-o", "json"])
        #expect(json.status == 0, "\(json)")
        #expect(
            try json.jsonArray().compactMap { $0["id"] as? String }
                == ["microsoft-openai-2023", "google-anthropic-2023-10", "amazon-anthropic-2023"],
            "\(json)"
        )
        let table = try await deals.run(["top", "1"])
        #expect(table.status == 0, "\(table)")
        let parsed = try DealTextTable(table.output)
        #expect(parsed.rows.count == 1, "\(table)")
        #expect(parsed.rows.first.flatMap { parsed.cell("ID", in: $0) } == "microsoft-openai-2023")
        #expect(try await deals.run(["top", "0"]).status == 2)
    }

    @Test("conflicts: the three disputed claims with their sources")
    func conflicts() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["conflicts", "-o", "json"])
        #expect(json.status == 0, "\(json)")
        let conflicts = try json.jsonArray()
        #expect(
            conflicts.compactMap { $0["dealId"] as? String }.sorted()
                == ["amazon-anthropic-2023", "google-anthropic-2023-10", "microsoft-openai-2023"],
            "\(json)"
        )
        let amazon = try #require(conflicts.first { $0["dealId"] as? String == "amazon-anthropic-2023" })
        let claim = try #require(amazon["claim"] as? [String: Any], "\(amazon)")
        #expect(claim["field"] as? String == "target_id")
        #expect(claim["claimedValue"] as? String == "openai")
        #expect(claim["acceptedValue"] as? String == "anthropic")
        let one = try await deals.run(["conflicts", "--deal", "microsoft-openai-2023", "-o", "json"])
        #expect(try one.jsonArray().count == 1, "\(one)")
        let table = try await deals.run(["conflicts"])
        #expect(table.status == 0, "\(table)")
        let parsed = try DealTextTable(table.output)
        #expect(parsed.rows.count == 3, "\(table)")
        let row = try #require(parsed.row(where: "DEAL", is: "microsoft-openai-2023"), "\(table)")
        #expect(parsed.cell("CLAIMED", in: row) == "anthropic")
        #expect(parsed.cell("ACCEPTED", in: row) == "openai")
    }

    @Test("orgs list and orgs get, by id, name or alias")
    func organizations() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let json = try await deals.run(["orgs", "list", "-o", "json"])
        #expect(json.status == 0, "\(json)")
        let ids = try json.jsonArray().compactMap { $0["id"] as? String }
        for id in ["amazon", "anthropic", "google", "microsoft", "openai"] {
            #expect(ids.contains(id), "\(json)")
        }
        let labs = try await deals.run(["orgs", "list", "--kind", "ai-lab", "-o", "json"])
        #expect(try labs.jsonArray().compactMap { $0["id"] as? String }.sorted() == ["anthropic", "openai"], "\(labs)")
        let query = try await deals.run(["orgs", "list", "-q", "Alphabet", "-o", "json"])
        #expect(try query.jsonArray().compactMap { $0["id"] as? String } == ["google"], "\(query)")

        let byAlias = try await deals.run(["orgs", "get", "AWS", "-o", "json"])
        #expect(byAlias.status == 0, "\(byAlias)")
        let amazon = try byAlias.jsonObject()
        #expect(amazon["id"] as? String == "amazon")
        #expect(amazon["name"] as? String == "Amazon")
        #expect((amazon["aliases"] as? [String])?.contains("Amazon Web Services") == true, "\(byAlias)")
        let detail = try await deals.run(["orgs", "get", "openai"])
        #expect(detail.status == 0, "\(detail)")
        #expect(detail.lines.contains { $0.hasPrefix("name:") && $0.hasSuffix("OpenAI") }, "\(detail)")
        #expect(detail.lines.contains { $0.hasPrefix("kind:") && $0.hasSuffix("ai-lab") }, "\(detail)")
        let table = try await deals.run(["orgs", "list"])
        let parsed = try DealTextTable(table.output, footerLines: 1)
        #expect(Array(parsed.names.prefix(3)) == ["ID", "NAME", "KIND"], "\(table)")
        #expect(parsed.row(where: "ID", is: "microsoft").map { parsed.cell("NAME", in: $0) } == "Microsoft")
        #expect(parsed.rows.count == 7, "\(table)")
        for name in parsed.names {
            #expect(parsed.isLeftAligned(name), "column \(name) is not left-aligned:\n\(table.output)")
        }
        // TechCrunch has no alias: its empty cell keeps the website in its column.
        let techcrunch = try #require(parsed.row(where: "ID", is: "techcrunch"), "\(table)")
        #expect(parsed.cell("ALIASES", in: techcrunch) == "", "\(table)")
        #expect(parsed.cell("WEBSITE", in: techcrunch) == "https://techcrunch.com", "\(table)")
    }

    @Test("health and server-info")
    func healthAndServerInfo() async throws {
        let server = try DealEndToEndServer.shared
        let deals = server.deals
        let health = try await deals.run(["health"])
        #expect(health.status == 0, "\(health)")
        #expect(health.output == "SERVING\n", "\(health)")
        let healthJSON = try await deals.run(["health", "-o", "json"])
        #expect(try healthJSON.jsonObject()["status"] as? String == "SERVING_STATUS_SERVING", "\(healthJSON)")

        let info = try await deals.run(["server-info", "-o", "json"])
        #expect(info.status == 0, "\(info)")
        let object = try info.jsonObject()
        #expect(object["serverVersion"] as? String == "0.1.0", "\(info)")
        #expect(object["callerRole"] as? String == "admin", "\(info)")
        #expect(DealJSONNumber.int64(object["dealCount"]) == 5, "\(info)")
        #expect(DealJSONNumber.int64(object["organizationCount"]) == 7, "\(info)")
        let table = try await deals.run(["server-info"])
        #expect(table.status == 0, "\(table)")
        #expect(table.lines.contains { $0.hasPrefix("your role:") && $0.hasSuffix("admin") }, "\(table)")
        #expect(table.lines.contains { $0.hasPrefix("address:") && $0.hasSuffix(server.daemon.address) }, "\(table)")
    }

    @Test("completion scripts", arguments: ["bash", "zsh", "fish"])
    func completion(_ shell: String) async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["completion", shell])
        #expect(result.status == 0, "\(result)")
        #expect(result.error.isEmpty, "\(result)")
        for subcommand in ["list", "totals", "watch", "server-info", "orgs"] {
            #expect(result.output.contains(subcommand), "\(shell) completion does not know \(subcommand)")
        }
        if shell == "bash", FileManager.default.isExecutableFile(atPath: "/bin/bash") {
            // The script must at least be valid bash.
            let path = try DealEndToEndServer.shared.sandbox.write(result.output, to: "completion.bash")
            let check = try DealChildProcess(
                executable: "/bin/bash",
                arguments: ["-n", path],
                environment: [:],
                scratchDirectory: DealEndToEndServer.shared.sandbox.scratch
            )
            #expect(await check.waitForExit(timeout: .seconds(10)) == 0, "bash -n: \(check.standardError)")
        }
    }

    static let subcommands = [
        "list", "get", "add", "update", "delete", "orgs", "totals", "timeline", "coinvestors", "top", "conflicts",
        "sources", "import", "export", "watch", "health", "server-info", "completion", "fx",
    ]

    @Test("every subcommand has --help with examples")
    func help() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let root = try await deals.run(["--help"])
        #expect(root.status == 0, "\(root)")
        for subcommand in Self.subcommands {
            #expect(root.output.contains(subcommand), "deals --help does not list \(subcommand)")
        }
        #expect(root.output.contains("Exit status"), "\(root)")
        for subcommand in Self.subcommands {
            let help = try await deals.run([subcommand, "--help"])
            #expect(help.status == 0, "\(help)")
            #expect(help.output.contains("USAGE: deals \(subcommand)"), "\(help)")
        }
        let version = try await deals.run(["--version"])
        #expect(version.status == 0, "\(version)")
        #expect(version.output.hasPrefix("deals 0.1.0"), "\(version)")
    }
}
