import DealCommandLine
import Foundation
import Testing

/// The dealsd binary the end-to-end tests start, from `DEALS_E2E_DEALSD`.
private let endToEndDealsd = ProcessInfo.processInfo.environment["DEALS_E2E_DEALSD"]

/// `deals` against a real `dealsd`, when `DEALS_E2E_DEALSD` names a built daemon (e.g. `.build/debug/dealsd`).
///
/// Skipped otherwise, so the unit tests never need a server. Each test starts its own daemon on a random loopback
/// port with a fresh data directory, and connects with no settings but the address: the CA and admin token are
/// found in the data directory, as after a developer's first `dealsd`.
@Suite(
    .enabled(if: endToEndDealsd != nil, "set DEALS_E2E_DEALSD to a dealsd binary"),
    .serialized
)
struct DealsEndToEndTests {
    struct Daemon {
        var environment: [String: String]

        func run(_ arguments: [String], stdin: String = "") async -> (status: Int32, out: String, error: String) {
            let captured = DealCapturedOutput()
            let input = Data(stdin.utf8)
            let context = DealCommandContext(
                output: captured.output,
                environment: self.environment,
                readStandardInput: { input }
            )
            let status = await DealsCommand.run(arguments: arguments, context: context)
            return (status, captured.standardOutput, captured.standardError)
        }
    }

    static func withDaemon(_ body: (Daemon) async throws -> Void) async throws {
        let dataDirectory = NSTemporaryDirectory() + "deals-e2e-" + UUID().uuidString
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(endToEndDealsd))
        process.arguments = ["--listen", "127.0.0.1:\(port)", "--data-dir", dataDirectory]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }
        let daemon = Daemon(environment: [
            "HOME": dataDirectory + "/home", "DEALSTORE_DATA_DIR": dataDirectory,
            "DEALS_ADDR": "127.0.0.1:\(port)",
        ])
        var ready = false
        for _ in 0..<50 where !ready {
            ready = await daemon.run(["health"]).status == 0
            if !ready {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        try #require(ready, "dealsd did not become healthy on port \(port)")
        try await body(daemon)
    }

    @Test func listWorksWithLocalDefaultsAndEveryFormatParses() async throws {
        try await Self.withDaemon { daemon in
            let table = await daemon.run(["list", "--investor", "Amazon", "--since", "2023", "--min", "1B"])
            #expect(table.status == 0)
            #expect(table.out.contains("amazon-anthropic-2023"))
            #expect(table.out.contains("$1.25B"))
            let json = await daemon.run(["list", "-o", "json"])
            let deals = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]])
            #expect(deals.contains { $0["id"] as? String == "microsoft-openai-2019" })
            let totals = await daemon.run(["totals", "--by", "investor", "-o", "json"])
            let groups = try #require(
                try JSONSerialization.jsonObject(with: Data(totals.out.utf8)) as? [[String: Any]]
            )
            #expect(groups.contains { $0["key"] as? String == "amazon" })
        }
    }

    @Test func exportRoundTripsThroughImport() async throws {
        try await Self.withDaemon { daemon in
            let export = await daemon.run(["export"])
            #expect(export.status == 0)
            let count = export.out.split(separator: "\n").count
            #expect(count > 5)
            let skip = await daemon.run(["import", "-"], stdin: export.out)
            #expect(skip.status == 0)
            #expect(skip.out.hasPrefix("created 0, updated 0, skipped \(count), rejected 0"))
            let replace = await daemon.run(["import", "-", "--on-conflict", "replace"], stdin: export.out)
            #expect(replace.out.hasPrefix("created 0, updated \(count), skipped 0, rejected 0"))
        }
    }

    @Test func failuresMapToDocumentedExitStatuses() async throws {
        try await Self.withDaemon { daemon in
            #expect(await daemon.run(["get", "no-such-deal"]).status == 3)
            #expect(await daemon.run(["list", "--token", "wrong"]).status == 4)
            let stale = await daemon.run(["update", "amazon-anthropic-2023", "--set", "notes=x", "--if-match", "stale"])
            #expect(stale.status == 6)
            #expect(stale.error.hasPrefix("deals: conflict:"))
            #expect(await daemon.run(["orgs", "delete", "amazon"]).status == 6)
        }
    }

    @Test func addUpdateDeleteCycle() async throws {
        try await Self.withDaemon { daemon in
            let added = await daemon.run([
                "add", "--id", "e2e-deal", "--target", "anthropic", "--investor", "amazon", "--amount",
                "2 milliards de dollars", "--announced", "Q2 2024", "-o", "json",
            ])
            #expect(added.status == 0)
            let deal = try #require(try JSONSerialization.jsonObject(with: Data(added.out.utf8)) as? [String: Any])
            let etag = try #require((deal["meta"] as? [String: Any])?["etag"] as? String)
            let updated = await daemon.run(["update", "e2e-deal", "--set", "status=closed", "--if-match", etag])
            #expect(updated.status == 0)
            #expect(updated.out.contains("closed"))
            #expect(await daemon.run(["delete", "e2e-deal"]).status == 0)
            #expect(await daemon.run(["get", "e2e-deal"]).status == 3)
        }
    }

    @Test func watchPrintsChangesUntilCancelled() async throws {
        try await Self.withDaemon { daemon in
            let captured = DealCapturedOutput()
            let context = DealCommandContext(output: captured.output, environment: daemon.environment)
            let status = try await withThrowingTaskGroup(of: Int32.self) { group in
                group.addTask {
                    await DealsCommand.run(arguments: ["watch", "--from", "1", "--orgs"], context: context)
                }
                #expect(await daemon.run(["orgs", "add", "--name", "Watch Test"]).status == 0)
                for _ in 0..<50 where !captured.standardOutput.contains("organization watch-test") {
                    try await Task.sleep(for: .milliseconds(100))
                }
                group.cancelAll()
                return try await group.next() ?? -1
            }
            #expect(status == 0)
            #expect(captured.standardOutput.contains("created  organization watch-test  \"Watch Test\""))
            #expect(captured.standardOutput.contains("deal amazon-anthropic-2023"))
        }
    }
}
