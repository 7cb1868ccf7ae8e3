import DealTestSupport
import Foundation

/// Runs programs for the deployment tests through DealTestSupport's ``DealExternalProcess``, in an environment
/// without the test's own DEALSD_ settings.
enum DeployProcess {
    /// The environment children get: the test's, minus anything that would change what dealsd reads.
    static var environment: [String: String] {
        DealExternalProcess.environment.filter { key, _ in !key.hasPrefix("DEALSD_") }
    }

    /// Runs `arguments` to completion in ``environment``; `timeout(1)` kills it (TERM, then KILL 5 s later) after
    /// `timeoutSeconds`.
    static func run(
        _ arguments: [String],
        input: String = "",
        timeoutSeconds: Int = 60,
        directory: DealTemporaryDirectory
    ) async throws -> DealExternalProcess.Result {
        try await DealExternalProcess.run(
            arguments,
            input: input,
            timeoutSeconds: timeoutSeconds,
            environment: Self.environment,
            directory: directory
        )
    }
}

/// A long-running `dealsd` (a ``DealChildProcess``), stopped (SIGTERM, then SIGKILL) by ``stop()`` or, as a last
/// resort, when released.
final class RunningDaemon: Sendable {
    private let child: DealChildProcess
    /// Whether the started program is a tracer whose child is the daemon (strace).
    private let daemonIsChild: Bool
    private var process: Process { self.child.process }

    /// Starts `launcher + [dealsd] + arguments`; `launcher` may be empty, or a wrapper that execs dealsd (same pid)
    /// or a tracer that forks it (`daemonIsChild`).
    init(
        dealsd: String,
        arguments: [String],
        launcher: [String] = [],
        daemonIsChild: Bool = false,
        directory: DealTemporaryDirectory
    ) throws {
        let command = launcher + [dealsd] + arguments
        self.daemonIsChild = daemonIsChild
        self.child = try DealChildProcess(
            executable: command[0],
            arguments: Array(command.dropFirst()),
            environment: DeployProcess.environment,
            scratchDirectory: directory.path
        )
    }

    deinit {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
    }

    var output: String { self.child.standardOutput }
    var errorOutput: String { self.child.standardError }
    var isRunning: Bool { self.child.isRunning }

    /// The daemon's pid: the started process, or its child when started under a tracer.
    func daemonPID() throws -> pid_t {
        let launched = self.process.processIdentifier
        guard self.daemonIsChild else { return launched }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // "pid (comm) state ppid ...": the fields after the command name.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == launched {
                return pid
            }
        }
        throw DeployTestError("no child of the tracer \(launched) found")
    }

    /// Sends `signal` to the daemon.
    func signal(_ signal: Int32) throws {
        guard kill(try self.daemonPID(), signal) == 0 else {
            throw DeployTestError("kill(\(signal)) failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Waits until stdout (or stderr) contains `text`; throws with both outputs after `timeoutSeconds`.
    @discardableResult
    func waitFor(
        _ text: String,
        inErrorOutput: Bool = false,
        timeoutSeconds: Double = 60
    ) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        while ContinuousClock.now < deadline {
            let current = inErrorOutput ? self.errorOutput : self.output
            if current.contains(text) {
                return current
            }
            if !self.process.isRunning {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DeployTestError(
            "dealsd did not print \"\(text)\" (running: \(self.process.isRunning))\n"
                + "stdout:\n\(self.output)\nstderr:\n\(self.errorOutput)"
        )
    }

    /// Waits up to `timeoutSeconds` for the process to exit; returns its status, or `nil` if it is still running.
    func waitForExit(timeoutSeconds: Double) async throws -> Int32? {
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        while self.process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard !self.process.isRunning else { return nil }
        self.process.waitUntilExit()
        return self.process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if it has not exited after `graceSeconds`; returns the exit status after SIGTERM, or
    /// `nil` when it had to be killed.
    @discardableResult
    func stop(graceSeconds: Double = 30) async throws -> Int32? {
        guard self.process.isRunning else { return self.process.terminationStatus }
        try? self.signal(SIGTERM)
        if let status = try await self.waitForExit(timeoutSeconds: graceSeconds) {
            return status
        }
        if self.daemonIsChild, let child = try? self.daemonPID() {
            kill(child, SIGKILL)
        }
        kill(self.process.processIdentifier, SIGKILL)
        _ = try await self.waitForExit(timeoutSeconds: 10)
        return nil
    }
}
