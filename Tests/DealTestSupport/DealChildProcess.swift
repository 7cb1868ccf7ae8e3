public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A long-running child process (a `deals watch`, a crash writer killed at a random moment) whose stdout and stderr
/// go to files, with bounded waits and a kill that always ends it; programs that run to completion use
/// ``DealExternalProcess``, and `dealsd` itself ``DealDaemonProcess``.
///
/// Output goes to files rather than pipes so a chatty child can never block on a full pipe while the test waits for
/// it, and so a long-running child's output can be read at any time. `Process` is safe to use from several threads
/// for what this type does with it (signals, `isRunning`, `terminationStatus`), hence `@unchecked Sendable`.
public final class DealChildProcess: @unchecked Sendable {
    /// Why the child could not be started.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String

        public init(_ description: String) {
            self.description = description
        }
    }

    /// The running child.
    public let process: Process
    /// The executable's file name, for messages.
    public let name: String
    /// Where its standard output goes.
    public let outputPath: String
    /// Where its standard error goes.
    public let errorPath: String

    /// Starts `executable`; stdin reads `inputPath` (default `/dev/null`), the environment is exactly `environment`.
    public init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        inputPath: String = "/dev/null",
        scratchDirectory: String
    ) throws {
        self.name = URL(fileURLWithPath: executable).lastPathComponent
        let stem = scratchDirectory + "/" + self.name + "-" + UUID().uuidString
        self.outputPath = stem + ".out"
        self.errorPath = stem + ".err"
        _ = FileManager.default.createFile(atPath: self.outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: self.errorPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: self.outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: self.errorPath))
        guard let input = FileHandle(forReadingAtPath: inputPath) else {
            throw StartError("cannot open \(inputPath) as stdin")
        }
        self.process = Process()
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        self.process.environment = environment
        self.process.currentDirectoryURL = URL(fileURLWithPath: scratchDirectory)
        self.process.standardOutput = output
        self.process.standardError = error
        self.process.standardInput = input
        defer {
            // The child has its own copies; ours would only leak.
            try? output.close()
            try? error.close()
            try? input.close()
        }
        try self.process.run()
    }

    /// What the child wrote to stdout so far.
    public var standardOutput: String {
        (try? String(contentsOfFile: self.outputPath, encoding: .utf8)) ?? ""
    }

    /// What the child wrote to stderr so far.
    public var standardError: String {
        (try? String(contentsOfFile: self.errorPath, encoding: .utf8)) ?? ""
    }

    public var isRunning: Bool {
        self.process.isRunning
    }

    /// True when the child ended by calling exit (not killed by a signal).
    public var exitedNormally: Bool {
        !self.process.isRunning && self.process.terminationReason == .exit
    }

    /// Sends `signal` if the child is still running.
    public func send(_ signal: Int32) {
        if self.process.isRunning {
            kill(self.process.processIdentifier, signal)
        }
    }

    /// The exit status once the child has ended, or `nil` if it is still running after `timeout`.
    ///
    /// A child killed by a signal reports the signal number (see ``exitedNormally``).
    public func waitForExit(timeout: Duration) async -> Int32? {
        guard await DealWait.eventually(timeout: timeout, { !self.process.isRunning }) else {
            return nil
        }
        return self.process.terminationStatus
    }

    /// Waits (bounded) until stdout contains `text`; false if it does not in time or the child exits first.
    public func waitForOutput(containing text: String, timeout: Duration) async -> Bool {
        _ = await DealWait.eventually(timeout: timeout) {
            self.standardOutput.contains(text) || !self.process.isRunning
        }
        return self.standardOutput.contains(text)
    }

    /// Ends the child: `signal` (15, SIGTERM, by default: a literal because Glibc is not part of this API), then
    /// SIGKILL if it is still running after `grace`.
    ///
    /// Returns the exit status, or `nil` when the child had to be killed with SIGKILL.
    @discardableResult
    public func stop(signal: Int32 = 15, grace: Duration = .seconds(15)) async -> Int32? {
        self.send(signal)
        if let status = await self.waitForExit(timeout: grace) {
            return status
        }
        self.send(SIGKILL)
        _ = await self.waitForExit(timeout: .seconds(10))
        return nil
    }

    /// Removes the output files.
    public func removeOutputFiles() {
        try? FileManager.default.removeItem(atPath: self.outputPath)
        try? FileManager.default.removeItem(atPath: self.errorPath)
    }
}
