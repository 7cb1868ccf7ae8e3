import DealTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `deals` executable against one daemon, with the connection given only by the environment.
struct DealsCommandRunner: Sendable {
    let sandbox: DealSandbox
    /// The exact environment of every `deals` process.
    var environment: [String: String]

    /// A runner for the daemon at `address`, trusting the sandbox's CA with the admin token.
    init(sandbox: DealSandbox, address: String) throws {
        self.sandbox = sandbox
        var environment = sandbox.baseEnvironment
        environment["DEALS_ADDR"] = address
        environment["DEALS_CA"] = sandbox.caFile
        environment["DEALS_TOKEN"] = try sandbox.adminToken
        self.environment = environment
    }

    /// The same runner with `DEALS_TOKEN` set to `token`.
    func with(token: String) -> DealsCommandRunner {
        var runner = self
        runner.environment["DEALS_TOKEN"] = token
        return runner
    }

    /// Runs `deals <arguments>` to completion (bounded by `timeout`; a hung client is killed and fails the test).
    ///
    /// `input` becomes stdin (from a file); otherwise stdin is `/dev/null`.
    func run(_ arguments: [String], input: String? = nil, timeout: Duration = .seconds(30)) async throws -> DealsResult
    {
        var inputPath = "/dev/null"
        if let input {
            inputPath = try self.sandbox.write(input, to: "stdin-\(UUID().uuidString).txt")
        }
        let child = try DealChildProcess(
            executable: try DealDaemonProcess.requiredBinaryPath("deals"),
            arguments: arguments,
            environment: self.environment,
            inputPath: inputPath,
            scratchDirectory: self.sandbox.scratch
        )
        defer {
            child.removeOutputFiles()
            if inputPath != "/dev/null" {
                try? FileManager.default.removeItem(atPath: inputPath)
            }
        }
        guard let status = await child.waitForExit(timeout: timeout) else {
            await child.stop(signal: SIGKILL, grace: .seconds(5))
            throw DealEndToEndError(
                "deals \(arguments.joined(separator: " ")) did not finish within \(timeout); "
                    + "stdout: \(child.standardOutput.suffix(2000)) stderr: \(child.standardError.suffix(2000))"
            )
        }
        return DealsResult(
            arguments: arguments,
            status: child.exitedNormally ? status : 128 + status,
            output: child.standardOutput,
            error: child.standardError
        )
    }

    /// Starts `deals <arguments>` in the background (e.g. `watch`); the caller stops it.
    func start(_ arguments: [String]) throws -> DealChildProcess {
        try DealChildProcess(
            executable: try DealDaemonProcess.requiredBinaryPath("deals"),
            arguments: arguments,
            environment: self.environment,
            scratchDirectory: self.sandbox.scratch
        )
    }
}
