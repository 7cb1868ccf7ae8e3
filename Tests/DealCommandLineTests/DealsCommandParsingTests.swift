import ArgumentParser
import DealModel
import DealProtocol
import Testing

@testable import DealCommandLine

@Suite("Deals command parsing") struct DealsCommandParsingTests {
    @Test("list with filter and descending sort") func listWithFilterAndDescendingSort() throws {
        let command = try DealsCommand.parseAsRoot([
            "list", "--investor", "Amazon", "--since", "2023", "--min", "1B", "--sort", "-amount",
        ])
        let list = try #require(command as? DealsListCommand)
        let request = try list.request()
        #expect(request.filter.investorIds == ["Amazon"])
        #expect(request.filter.announcedFrom.year == 2023)
        #expect(request.filter.announcedFrom.precision == .year)
        #expect(request.filter.minAmount.units == 1_000_000_000)
        #expect(request.filter.minAmount.currencyCode == "USD")
        #expect(request.orderBy == "amount desc")
    }

    @Test(
        "sort spellings",
        arguments: [
            ("-amount", "amount desc"),
            ("announced,-amount", "announced, amount desc"),
            ("+id", "id"),
        ]
    )
    func sortSpellings(_ sort: String, _ orderBy: String) throws {
        #expect(try DealsListCommand.orderBy(sort) == orderBy)
    }

    @Test("bad sort field is a usage error") func badSortFieldIsAUsageError() {
        #expect(throws: (any Error).self) {
            try DealsCommand.parseAsRoot(["list", "--sort", "-price"])
        }
    }

    @Test("list since quarter and month") func listSinceQuarterAndMonth() throws {
        let quarter = try #require(try DealsCommand.parseAsRoot(["list", "--since", "Q3-2023"]) as? DealsListCommand)
        #expect(try quarter.request().filter.announcedFrom.month == 9)
        #expect(try quarter.request().filter.announcedFrom.precision == .quarter)
        let month = try #require(try DealsCommand.parseAsRoot(["list", "--since", "2023-09"]) as? DealsListCommand)
        #expect(try month.request().filter.announcedFrom.precision == .month)
    }

    @Test("get and delete") func getAndDelete() throws {
        let get = try #require(try DealsCommand.parseAsRoot(["get", "amazon-anthropic-2023"]) as? DealsGetCommand)
        #expect(get.id == "amazon-anthropic-2023")
        let delete = try #require(
            try DealsCommand.parseAsRoot(["delete", "x", "--if-match", "abc"]) as? DealsDeleteCommand
        )
        #expect(delete.id == "x")
        #expect(delete.ifMatch == "abc")
    }

    @Test("update with set and if match") func updateWithSetAndIfMatch() throws {
        let command = try DealsCommand.parseAsRoot([
            "update", "amazon-anthropic-2023", "--set", "status=closed", "--set", "cap=$4bn", "--set",
            "announced=Sep 2023", "--if-match", "etag-1",
        ])
        let update = try #require(command as? DealsUpdateCommand)
        let request = try update.request()
        #expect(request.deal.id == "amazon-anthropic-2023")
        #expect(request.deal.status == .closed)
        #expect(request.deal.commitmentCap.units == 4_000_000_000)
        #expect(request.deal.announced.month == 9)
        #expect(request.updateMask == ["status", "commitment_cap", "announced"])
        #expect(request.etag == "etag-1")
    }

    @Test("update rejects unknown fields") func updateRejectsUnknownFields() throws {
        let update = try #require(
            try DealsCommand.parseAsRoot(["update", "x", "--set", "colour=red"]) as? DealsUpdateCommand
        )
        #expect(throws: DealInputError.self) { try update.request() }
    }

    @Test("update needs a set") func updateNeedsASet() {
        #expect(throws: (any Error).self) { try DealsCommand.parseAsRoot(["update", "x"]) }
    }

    @Test("add from flags") func addFromFlags() throws {
        let command = try DealsCommand.parseAsRoot([
            "add", "--target", "anthropic", "--investor", "amazon", "--amount", "1.25B", "--cap", "4B",
            "--announced", "Sep 2023", "--type", "corporate-strategic", "--status", "announced",
        ])
        let add = try #require(command as? DealsAddCommand)
        let deal = try add.deal(context: DealCommandContext(output: DealCapturedOutput().output, environment: [:]))
        #expect(deal.targetID == "anthropic")
        #expect(deal.amount.units == 1_250_000_000)
        #expect(deal.commitmentCap.units == 4_000_000_000)
        #expect(deal.participations.map(\.investorID) == ["amazon"])
        #expect(deal.participations[0].committed.units == 1_250_000_000)
        #expect(deal.type == .corporateStrategic)
        #expect(deal.status == .announced)
    }

    @Test(
        "every spelling parses",
        arguments: [
            ["orgs", "list"], ["orgs", "get", "anthropic"], ["orgs", "add", "--name", "Mistral AI"],
            ["orgs", "update", "google", "--set", "aliases=Alphabet,Google LLC"], ["orgs", "delete", "x"],
            ["totals", "--by", "investor"], ["totals", "--by", "quarter", "--funded"], ["totals", "--by", "type"],
            ["timeline", "Anthropic"], ["coinvestors", "Google"], ["top", "10"], ["conflicts"],
            ["sources"], ["sources", "--deal", "amazon-anthropic-2023"],
            ["get", "amazon-anthropic-2023", "--evidence"],
            ["import", "deals.jsonl"], ["export"], ["watch", "--from", "12"], ["health"], ["server-info"],
            ["completion", "bash"], ["list", "-o", "json"], ["list", "--output", "csv"],
            ["list", "--addr", "h:1", "--token", "t", "--ca", "c", "--cert", "x", "--key", "k", "--profile", "p"],
        ]
    )
    func everySpellingParses(_ arguments: [String]) throws {
        _ = try DealsCommand.parseAsRoot(arguments)
    }

    @Test("totals grouping") func totalsGrouping() throws {
        let totals = try #require(
            try DealsCommand.parseAsRoot(["totals", "--by", "type", "--funded"]) as? DealsTotalsCommand
        )
        #expect(totals.by.summaryGrouping == .dealType)
        #expect(totals.funded)
        #expect(throws: (any Error).self) { try DealsCommand.parseAsRoot(["totals", "--by", "colour"]) }
    }

    @Test("top count and watch from") func topCountAndWatchFrom() throws {
        let top = try #require(try DealsCommand.parseAsRoot(["top", "10"]) as? DealsTopCommand)
        #expect(top.count == 10)
        let watch = try #require(try DealsCommand.parseAsRoot(["watch", "--from", "42"]) as? DealsWatchCommand)
        #expect(watch.from == 42)
    }

    @Test("org update splits aliases") func orgUpdateSplitsAliases() throws {
        let update = try #require(
            try DealsCommand.parseAsRoot(["orgs", "update", "google", "--set", "aliases=Alphabet, Google LLC"])
                as? DealsOrgsUpdateCommand
        )
        let request = try update.request()
        #expect(request.organization.aliases == ["Alphabet", "Google LLC"])
        #expect(request.updateMask == ["aliases"])
    }
}

@Suite("Deals global option") struct DealsGlobalOptionTests {
    @Test(
        "hoists leading connection options",
        arguments: [
            (["--addr", "h:1", "list"], ["list", "--addr", "h:1"]),
            (["--addr=h:1", "-o", "json", "orgs", "list"], ["orgs", "list", "--addr=h:1", "-o", "json"]),
            (["--token", "t", "get", "x", "--", "-y"], ["get", "x", "--token", "t", "--", "-y"]),
            (["list", "--addr", "h:1"], ["list", "--addr", "h:1"]),
            (["--help"], ["--help"]),
        ]
    )
    func hoistsLeadingConnectionOptions(_ arguments: [String], _ expected: [String]) {
        #expect(DealsCommand.hoistingGlobalOptions(arguments) == expected)
    }

    @Test("dealsd banner spelling parses") func dealsdBannerSpellingParses() throws {
        let command = try DealsCommand.parseAsRoot(
            DealsCommand.hoistingGlobalOptions([
                "--addr", "127.0.0.1:7443", "--ca", "/x/ca.pem", "--token", "secret", "list",
            ])
        )
        let list = try #require(command as? DealsListCommand)
        #expect(list.connection.address == "127.0.0.1:7443")
        #expect(list.connection.ca == "/x/ca.pem")
        #expect(list.connection.token == "secret")
    }
}
