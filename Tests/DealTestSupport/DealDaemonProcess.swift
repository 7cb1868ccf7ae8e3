public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `dealsd` process on a loopback port (port 0, so it picks one, unless given) with its own data
/// directory: the one way every test target starts the daemon.
///
/// Every stored property is a `let` of a `Sendable` type, so one instance can be shared between tasks (a cluster
/// test kills a node from another task than the one that started it).
public final class DealDaemonProcess: Sendable {
    /// The running daemon.
    public let process: Process
    /// Its `--data-dir`.
    public let dataDirectory: String
    /// The port it announced.
    public let port: Int
    /// Where its standard output goes (standard error goes to the same path with `.err`).
    public let outputFile: String

    /// `127.0.0.1:<port>`, as `--addr` and `DEALS_ADDR` take it.
    public var address: String { "127.0.0.1:\(self.port)" }

    /// The development CA the daemon wrote on first start.
    public var caFile: String { self.dataDirectory + "/ca.pem" }

    /// The admin token the daemon wrote on first start ("" before it has).
    public var adminToken: String {
        ((try? String(contentsOfFile: self.dataDirectory + "/admin.token", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Why the daemon could not be started.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
        /// The exit status when dealsd exited before announcing its port (a refused configuration), else `nil`.
        public var status: Int32?
        /// What dealsd printed, standard output then standard error, when it exited early.
        public var output: String

        public init(description: String, status: Int32? = nil, output: String = "") {
            self.description = description
            self.status = status
            self.output = output
        }
    }

    /// An executable of this package (`dealsd`, `deals`, `dealclient-example`) built beside the test bundle: the
    /// test target depends on it, so `swift build` put it there.
    public static func binaryPath(_ name: String = "dealsd") -> String? {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        candidates.append(CommandLine.arguments[0])
        candidates.append(Bundle.main.bundlePath + "/x")
        for candidate in candidates {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<5 {
                let path = directory.appendingPathComponent(name).path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// ``binaryPath(_:)``, throwing a ``StartError`` that names the executable when it was not built.
    public static func requiredBinaryPath(_ name: String = "dealsd") throws -> String {
        guard let path = Self.binaryPath(name) else {
            throw StartError(description: "the \(name) executable was not found beside the test bundle")
        }
        return path
    }

    /// A fresh data directory under the temporary directory.
    public static func makeDataDirectory(prefix: String = "dealsd-tests-") throws -> String {
        let directory = NSTemporaryDirectory() + prefix + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Starts dealsd on 127.0.0.1:`port` and waits (up to `timeout`) until it announces the port it serves on.
    ///
    /// `launcher` runs dealsd through another program that execs it (for example `prlimit --fsize=N`), so the
    /// process is still dealsd itself. `environment` replaces the test's own environment when given. Start again on
    /// the same `dataDirectory` to restart a daemon that was stopped or killed.
    public static func start(
        dataDirectory: String,
        port: Int = 0,
        extraArguments: [String] = [],
        launcher: [String] = [],
        logLevel: String = "warning",
        environment: [String: String]? = nil,
        timeout: Duration = .seconds(30)
    ) throws -> DealDaemonProcess {
        guard let binary = Self.binaryPath("dealsd") else {
            throw StartError(description: "dealsd binary not found next to the test bundle")
        }
        let outputFile = dataDirectory + ".out-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        _ = FileManager.default.createFile(atPath: outputFile + ".err", contents: nil)
        let process = Process()
        let arguments =
            ["--data-dir", dataDirectory, "--listen", "127.0.0.1:\(port)", "--log-level", logLevel] + extraArguments
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        process.standardOutput = FileHandle(forWritingAtPath: outputFile)
        process.standardError = FileHandle(forWritingAtPath: outputFile + ".err")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        if let environment {
            process.environment = environment
        }
        try process.run()
        var announced: Int?
        do {
            try DealWait.blockingUntil("dealsd announcing its port", timeout: timeout) {
                let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
                if let range = text.range(of: "serving on 127.0.0.1:") {
                    announced = Int(text[range.upperBound...].prefix { $0.isNumber })
                    if announced != nil { return true }
                }
                if !process.isRunning {
                    let errors = (try? String(contentsOfFile: outputFile + ".err", encoding: .utf8)) ?? ""
                    throw StartError(
                        description: "dealsd exited with \(process.terminationStatus): \(text) \(errors)",
                        status: process.terminationStatus,
                        output: text + errors
                    )
                }
                return false
            }
        } catch let error as DealWait.Timeout {
            process.terminate()
            process.waitUntilExit()
            let errors = (try? String(contentsOfFile: outputFile + ".err", encoding: .utf8)) ?? ""
            throw StartError(description: "\(error.description); stderr: \(errors.suffix(2000))")
        }
        guard let port = announced else {
            throw StartError(description: "dealsd announced no port")
        }
        return DealDaemonProcess(process: process, dataDirectory: dataDirectory, port: port, outputFile: outputFile)
    }

    private init(process: Process, dataDirectory: String, port: Int, outputFile: String) {
        self.process = process
        self.dataDirectory = dataDirectory
        self.port = port
        self.outputFile = outputFile
    }

    /// What dealsd printed (its standard output).
    public var output: String {
        (try? String(contentsOfFile: self.outputFile, encoding: .utf8)) ?? ""
    }

    /// What dealsd logged (its standard error).
    public var errorOutput: String {
        (try? String(contentsOfFile: self.outputFile + ".err", encoding: .utf8)) ?? ""
    }

    /// The environment in which `deals` (and `DealClientConfiguration.resolve()`) finds this daemon.
    public var environment: [String: String] {
        [
            "DEALS_ADDR": "127.0.0.1:\(self.port)",
            "DEALSD_DATA_DIR": self.dataDirectory,
            "HOME": self.dataDirectory + "-home",
        ]
    }

    /// Sends `signal` without waiting (SIGHUP to reload, SIGSTOP / SIGCONT to freeze and resume).
    public func send(_ signal: Int32) {
        if self.process.isRunning {
            Glibc.kill(self.process.processIdentifier, signal)
        }
    }

    /// Sends `signal` and waits for the daemon to exit; removes its output files.
    public func kill(_ signal: Int32) {
        Glibc.kill(self.process.processIdentifier, signal)
        self.process.waitUntilExit()
        self.removeOutput()
    }

    /// Stops the daemon (SIGTERM, then waits for it to exit).
    public func stop() {
        if self.process.isRunning {
            self.process.terminate()
        }
        self.process.waitUntilExit()
        self.removeOutput()
    }

    /// SIGTERM, then SIGKILL if the daemon is still running after `grace`; waits without blocking a thread.
    ///
    /// Returns the exit status when dealsd exited by itself (0: a clean shutdown), `nil` when a signal ended it. The
    /// output files stay, so ``errorOutput`` can still explain a failed shutdown.
    @discardableResult
    public func stop(grace: Duration) async -> Int32? {
        self.send(SIGTERM)
        if await DealWait.eventually(timeout: grace, { !self.process.isRunning }) == false {
            self.send(SIGKILL)
            _ = await DealWait.eventually(timeout: .seconds(10)) { !self.process.isRunning }
        }
        guard !self.process.isRunning, self.process.terminationReason == .exit else { return nil }
        return self.process.terminationStatus
    }

    /// Stops the daemon and removes its data.
    public func remove() {
        self.stop()
        try? FileManager.default.removeItem(atPath: self.dataDirectory)
    }

    private func removeOutput() {
        try? FileManager.default.removeItem(atPath: self.outputFile)
        try? FileManager.default.removeItem(atPath: self.outputFile + ".err")
    }
}
