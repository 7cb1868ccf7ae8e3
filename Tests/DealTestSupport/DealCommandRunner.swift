import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs one of this package's executables (`deals` by default) as a real process, with exactly the environment it
/// holds: to completion with ``run(_:input:timeout:)``, or in the background (`deals watch`) with ``start(_:)``.
///
/// Output goes to files in `scratchDirectory` (through ``DealChildProcess``), so a chatty program never blocks on a
/// full pipe; every wait has a deadline, and a program that does not finish in time is killed and fails the test.
public struct DealCommandRunner: Sendable {
    /// Why a run failed as a run (the program did not finish in time), as opposed to exiting with a status.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(_ description: String) {
            self.description = description
        }
    }

    /// The executable's path.
    public let executable: String
    /// The exact environment of every process (never the test runner's own).
    public var environment: [String: String]
    /// Where output files, and stdin files written for ``run(_:input:timeout:)``, live.
    public let scratchDirectory: String

    /// A runner for the package executable `name`, built beside the test bundle.
    public init(_ name: String = "deals", environment: [String: String], scratchDirectory: String) throws {
        self.executable = try DealDaemonProcess.requiredBinaryPath(name)
        self.environment = environment
        self.scratchDirectory = scratchDirectory
    }

    /// The same runner with `DEALS_TOKEN` set to `token`.
    public func with(token: String) -> DealCommandRunner {
        var runner = self
        runner.environment["DEALS_TOKEN"] = token
        return runner
    }

    /// Runs the program with `arguments` to completion, bounded by `timeout` (a hung program is killed and the run
    /// throws ``Failure``).
    ///
    /// `input` becomes stdin (from a file); otherwise stdin is `/dev/null`.
    public func run(
        _ arguments: [String],
        input: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> DealCommandResult {
        var inputPath = "/dev/null"
        if let input {
            inputPath = self.scratchDirectory + "/stdin-\(UUID().uuidString).txt"
            try Data(input.utf8).write(to: URL(fileURLWithPath: inputPath))
        }
        let child = try DealChildProcess(
            executable: self.executable,
            arguments: arguments,
            environment: self.environment,
            inputPath: inputPath,
            scratchDirectory: self.scratchDirectory
        )
        defer {
            child.removeOutputFiles()
            if inputPath != "/dev/null" {
                try? FileManager.default.removeItem(atPath: inputPath)
            }
        }
        guard let status = await child.waitForExit(timeout: timeout) else {
            await child.stop(signal: SIGKILL, grace: .seconds(5))
            throw Failure(
                "\(child.name) \(arguments.joined(separator: " ")) did not finish within \(timeout); "
                    + "stdout: \(child.standardOutput.suffix(2000)) stderr: \(child.standardError.suffix(2000))"
            )
        }
        return DealCommandResult(
            name: child.name,
            arguments: arguments,
            status: child.exitedNormally ? status : 128 + status,
            output: child.standardOutput,
            error: child.standardError
        )
    }

    /// Starts the program with `arguments` in the background (e.g. `deals watch`); the caller stops it.
    public func start(_ arguments: [String]) throws -> DealChildProcess {
        try DealChildProcess(
            executable: self.executable,
            arguments: arguments,
            environment: self.environment,
            scratchDirectory: self.scratchDirectory
        )
    }
}
