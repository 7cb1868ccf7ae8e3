import DealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The documented exit statuses: 0 ok, 2 usage or invalid input, 3 not found, 4 permission, 5 unreachable,
/// 6 conflict; each failure a single line on stderr starting with "deals: ".
@Suite("deals exit codes", .sharedServer, .timeLimit(.minutes(2)))
struct DealsExitCodeTests {
    struct ExitCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var status: Int32
        /// Text the one-line message must contain.
        var message: String?

        var testDescription: String { "deals \(self.arguments.joined(separator: " ")) → \(self.status)" }
    }

    static let cases: [ExitCase] = [
        ExitCase(arguments: ["health"], status: 0),
        ExitCase(arguments: ["list", "--investor", "amazon"], status: 0),
        ExitCase(arguments: ["list", "--no-such-flag"], status: 2, message: "--no-such-flag"),
        ExitCase(arguments: ["frobnicate"], status: 2, message: "frobnicate"),
        ExitCase(arguments: ["list", "--min", "lots"], status: 2, message: "invalid amount \"lots\""),
        ExitCase(arguments: ["list", "--since", "someday"], status: 2, message: "someday"),
        ExitCase(arguments: ["list", "--sort", "bogus"], status: 2, message: "bogus"),
        ExitCase(arguments: ["list", "--limit", "0"], status: 2, message: "--limit"),
        ExitCase(arguments: ["totals", "--by", "planet"], status: 2, message: "planet"),
        ExitCase(arguments: ["update", "amazon-anthropic-2023"], status: 2, message: "--set"),
        ExitCase(arguments: ["update", "amazon-anthropic-2023", "--set", "color=red"], status: 2, message: "color"),
        ExitCase(arguments: ["add", "--investor", "amazon"], status: 2, message: "--target"),
        ExitCase(arguments: ["completion", "tcsh"], status: 2, message: "tcsh"),
        ExitCase(arguments: ["list", "--addr", "not an address"], status: 2, message: "not an address"),
        ExitCase(arguments: ["list", "--investor", "nobody-at-all"], status: 2, message: "nobody-at-all"),
        ExitCase(arguments: ["get", "no-such-deal"], status: 3, message: "no-such-deal"),
        ExitCase(arguments: ["orgs", "get", "no-such-org"], status: 3, message: "no-such-org"),
        ExitCase(arguments: ["delete", "no-such-deal"], status: 3, message: "no-such-deal"),
        ExitCase(arguments: ["coinvestors", "no-such-org"], status: 3, message: "no-such-org"),
        ExitCase(arguments: ["list", "--token", "wrong-token"], status: 4, message: "--token"),
        ExitCase(
            arguments: ["update", "amazon-anthropic-2023", "--set", "notes=x", "--if-match", "stale"],
            status: 6,
            message: "conflict"
        ),
        ExitCase(
            arguments: ["add", "--id", "amazon-anthropic-2023", "--target", "anthropic", "--investor", "amazon"],
            status: 6,
            message: "already exists"
        ),
        ExitCase(arguments: ["orgs", "add", "--name", "Amazon"], status: 6, message: "already exists"),
        ExitCase(arguments: ["orgs", "delete", "anthropic"], status: 6, message: "anthropic"),
    ]

    @Test("exit status and one-line message", arguments: Self.cases)
    func exitStatus(_ exitCase: ExitCase) async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(exitCase.arguments)
        #expect(result.status == exitCase.status, "\(result)")
        if exitCase.status == 0 {
            #expect(result.error.isEmpty, "\(result)")
        } else {
            #expect(result.output.isEmpty, "\(result)")
            #expect(result.error.hasPrefix("deals: "), "\(result)")
            #expect(result.error.hasSuffix("\n") && result.error.filter { $0 == "\n" }.count == 1, "\(result)")
            if let message = exitCase.message {
                #expect(result.error.contains(message), "\(result)")
            }
        }
    }

    @Test("4: a read-only token (created with dealsd token create, loaded on SIGHUP) may read but not write")
    func readOnlyToken() async throws {
        let server = try DealEndToEndServer.shared
        let create = try DealChildProcess(
            executable: try DealDaemonProcess.requiredBinaryPath("dealsd"),
            arguments: [
                "token", "create", "--role", "read", "--name", "r", "--data-dir", server.sandbox.dataDirectory,
            ],
            environment: server.sandbox.baseEnvironment,
            scratchDirectory: server.sandbox.scratch
        )
        let status = await create.waitForExit(timeout: .seconds(30))
        #expect(status == 0, "dealsd token create: \(create.standardError)")
        let token = create.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!token.isEmpty && !token.contains("\n"), "token create printed \(create.standardOutput)")
        let reader = server.deals.with(token: token)

        // Unknown until the daemon reloads its tokens.
        let before = try await reader.run(["list"])
        #expect(before.status == 4, "\(before)")
        server.daemon.send(SIGHUP)
        var list = before
        let deadline = ContinuousClock.now + .seconds(15)
        while list.status != 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            list = try await reader.run(["list", "-o", "json"])
        }
        #expect(list.status == 0, "the read token was not accepted after SIGHUP: \(list)")
        #expect(try list.jsonArray().count >= 5, "\(list)")
        let info = try await reader.run(["server-info", "-o", "json"])
        #expect(try info.jsonObject()["callerRole"] as? String == "read", "\(info)")

        for arguments in [
            ["add", "--id", "e2e-read-only", "--target", "anthropic", "--investor", "amazon", "--amount", "1M"],
            ["update", "amazon-anthropic-2023", "--set", "notes=read-only"],
            ["delete", "microsoft-openai-2019"],
            ["orgs", "add", "--name", "Read Only Inc"],
            ["import", "-"],
        ] {
            let input = arguments == ["import", "-"] ? #"{"organization": {"id": "e2e-ro", "name": "RO"}}"# : nil
            let write = try await reader.run(arguments, input: input)
            #expect(write.status == 4, "\(write)")
            #expect(write.error.hasPrefix("deals: permission denied"), "\(write)")
            #expect(write.error.filter { $0 == "\n" }.count == 1, "\(write)")
            #expect(!write.error.contains(token), "the message must not print the token: \(write)")
        }
        #expect(try await server.deals.run(["get", "e2e-read-only"]).status == 3)

        // The daemon kept serving its other clients through the reload.
        #expect(try await server.deals.run(["health"]).status == 0)
    }

    @Test("4: no token at all")
    func missingToken() async throws {
        var deals = try DealEndToEndServer.shared.deals
        deals.environment["DEALS_TOKEN"] = nil
        let result = try await deals.run(["list"])
        #expect(result.status == 4, "\(result)")
        #expect(result.error.contains("needs a token"), "\(result)")
    }

    @Test("5: nothing listening on the address")
    func nothingListening() async throws {
        let server = try DealEndToEndServer.shared
        let port = try DealTestPorts.freePort()
        var deals = server.deals
        deals.environment["DEALS_ADDR"] = "127.0.0.1:\(port)"
        let started = ContinuousClock.now
        let result = try await deals.run(["list"], timeout: .seconds(30))
        #expect(result.status == 5, "\(result)")
        #expect(result.error.hasPrefix("deals: cannot reach dealsd at 127.0.0.1:\(port)"), "\(result)")
        #expect(result.error.contains("DEALS_ADDR"), "the message names where the address came from: \(result)")
        #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result)")
        #expect(ContinuousClock.now - started < .seconds(15), "gave up only after \(ContinuousClock.now - started)")
        // The flag wins over the environment.
        let flag = try await deals.run(["health", "--addr", server.daemon.address])
        #expect(flag.status == 0, "\(flag)")
    }
}
