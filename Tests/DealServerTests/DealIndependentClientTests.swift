import DealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the independent Python client (Protocol/examples/python, written from PROTOCOL.md alone) against a real
/// `dealsd`: its check script exercises the spec and exits non-zero on any deviation.
@Suite("Independent Python client")
struct DealIndependentClientTests {
    /// Places where the server and the written spec disagree, tolerated until one of them is fixed. Each key is
    /// described in check_against_server.py (DEVIATION_KEYS); the script still prints them as KNOWN.
    /// Deviations the script may print as KNOWN instead of failing; none are tolerated today.
    static let knownDeviations: [String] = []

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // DealServerTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    @Test("check_against_server.py passes against a real dealsd", .timeLimit(.minutes(2)))
    func checkScriptPasses() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dealsd-pyclient-\(UUID().uuidString)").path
        let daemon = try DealDaemonProcess.start(dataDirectory: dataDirectory)
        defer {
            daemon.kill(SIGTERM)
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }

        let script = Self.repositoryRoot.appendingPathComponent("Protocol/examples/python/check_against_server.py")
        var arguments = [
            "python3", script.path,
            "--addr", "127.0.0.1:\(daemon.port)",
            "--ca", daemon.caFile,
            "--token", daemon.adminToken,
        ]
        for key in Self.knownDeviations {
            arguments += ["--allow-deviation", key]
        }
        let (status, output) = try await Self.run(arguments, timeLimit: 100)
        #expect(status == 0, "check_against_server.py exited with \(status):\n\(output)")
    }

    /// Runs a command with no stdin, from the repository root, killed after `timeLimit` seconds; stdout and stderr
    /// together.
    static func run(_ arguments: [String], timeLimit: Int) async throws -> (Int32, String) {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONUNBUFFERED"] = "1"
        // Through /usr/bin/env, so callers can pass `NAME=VALUE` before the command.
        let result = try await DealExternalProcess.run(
            ["/usr/bin/env"] + arguments,
            timeoutSeconds: timeLimit,
            environment: environment,
            currentDirectory: Self.repositoryRoot.path,
            directory: try DealTemporaryDirectory(prefix: "pyclient")
        )
        var text = result.combined
        if result.status == 124 {
            text += "\n(killed after \(timeLimit) s)"
        }
        return (result.status, text)
    }
}
