import DealCommandLine
import Foundation
import Testing

@Suite("Deals command run") struct DealsCommandRunTests {
    static func run(_ arguments: [String], stdin: String = "") async -> (Int32, String, String) {
        let captured = DealCapturedOutput()
        let input = Data(stdin.utf8)
        let context = DealCommandContext(
            output: captured.output,
            environment: ["HOME": "/nonexistent-deals-home"],
            readStandardInput: { input }
        )
        let status = await DealsCommand.run(arguments: arguments, context: context)
        return (status, captured.standardOutput, captured.standardError)
    }

    @Test("help succeeds with examples and exit codes") func helpSucceedsWithExamplesAndExitCodes() async {
        let (status, out, _) = await Self.run(["--help"])
        #expect(status == 0)
        #expect(out.contains("Examples:"))
        #expect(out.contains("DEALS_ADDR"))
        #expect(out.contains("6  conflict"))
    }

    @Test(
        "every command help has an example",
        arguments: [
            "list", "get", "add", "update", "delete", "orgs", "totals", "timeline", "coinvestors", "top", "conflicts",
            "sources", "import", "export", "watch", "health", "server-info", "completion", "fx",
        ]
    )
    func everyCommandHelpHasAnExample(_ command: String) async {
        let (status, out, _) = await Self.run(["help", command])
        #expect(status == 0)
        #expect(out.contains("Examples:"))
        #expect(out.contains("deals \(command)"))
    }

    @Test("garbage amount is usage error with one line") func garbageAmountIsUsageErrorWithOneLine() async {
        let (status, out, error) = await Self.run(["list", "--min", "lots"])
        #expect(status == 2)
        #expect(out.isEmpty)
        #expect(error.hasPrefix("deals: invalid amount \"lots\""))
        #expect(error.split(separator: "\n").count == 1)
    }

    @Test("unknown command is usage error") func unknownCommandIsUsageError() async {
        let (status, _, error) = await Self.run(["frobnicate"])
        #expect(status == 2)
        #expect(error == "deals: Unexpected argument 'frobnicate' (see `deals --help`)\n")
    }

    @Test(
        "usage errors are one line naming the help to read",
        arguments: [
            ["list", "--limit", "0"], ["update", "x"], ["get"], ["list", "--output", "xml"],
            ["list", "--sort", "-price"],
            ["import", "/nonexistent/deals.jsonl"],
        ]
    )
    func usageErrorsAreOneLineNamingTheHelpToRead(_ arguments: [String]) async {
        let (status, out, error) = await Self.run(arguments)
        #expect(status == 2)
        #expect(out.isEmpty)
        #expect(error.split(separator: "\n").count == 1)
        #expect(error.hasPrefix("deals: "))
        if arguments[0] != "import" {
            #expect(error.contains("(see `deals \(arguments[0]) --help`)"))
        }
    }

    @Test("connection refused is exit five and names the address") func connectionRefusedIsExitFiveAndNamesTheAddress()
        async
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let (status, out, error) = await Self.run(["health", "--addr", "127.0.0.1:1"])
        #expect(status == 5)
        #expect(out.isEmpty)
        #expect(error.hasPrefix("deals: cannot reach dealsd at 127.0.0.1:1 (from --addr)"))
        #expect(error.split(separator: "\n").count == 1)
    }

    @Test("bad date is usage error") func badDateIsUsageError() async {
        let (status, _, error) = await Self.run(["list", "--since", "Q5-2023"])
        #expect(status == 2)
        #expect(error.contains("invalid date \"Q5-2023\""))
    }

    @Test("completion scripts", arguments: ["bash", "zsh", "fish"])
    func completionScripts(_ shell: String) async {
        let (status, out, _) = await Self.run(["completion", shell])
        #expect(status == 0)
        #expect(out.contains("deals"))
        #expect(out.contains("server-info"))
    }

    @Test("import check reports bad lines with numbers") func importCheckReportsBadLinesWithNumbers() async {
        let lines = """
            {"organization": {"id": "anthropic", "name": "Anthropic"}}

            {"deal": {"id": "d1", "targetId": "anthropic", "amount": {"currencyCode": "USD", "units": "300000000"}}}
            {"deal": {"id": "d2", "bogusField": 1}}
            not json at all
            """
        let (status, out, error) = await Self.run(["import", "-", "--check"], stdin: lines)
        #expect(status == 2)
        #expect(out.contains("2 readable records, 2 unreadable lines"))
        #expect(error.contains("line 4:"))
        #expect(error.contains("line 5:"))
    }
}
