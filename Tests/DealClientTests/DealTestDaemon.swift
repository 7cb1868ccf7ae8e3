import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `dealsd` on a loopback port (port 0 unless given), with its own data directory, for the tests that check
/// the client against the real server.
final class DealTestDaemon {
    let process: Process
    let dataDirectory: String
    let port: Int
    private let outputFile: String

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    /// A binary built beside the test bundle (the test target depends on `dealsd` and `dealclient-example`).
    static func binaryPath(_ name: String) -> String? {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        candidates.append(CommandLine.arguments[0])
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

    /// A fresh data directory under the temporary directory.
    static func makeDataDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "dealclient-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Starts dealsd and waits (up to 30 s) until it announces its port.
    static func start(dataDirectory: String, port: Int = 0) throws -> DealTestDaemon {
        guard let binary = Self.binaryPath("dealsd") else {
            throw StartError(description: "dealsd binary not found next to the test bundle")
        }
        let outputFile = dataDirectory + ".out-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        _ = FileManager.default.createFile(atPath: outputFile + ".err", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--data-dir", dataDirectory, "--listen", "127.0.0.1:\(port)", "--log-level", "warning"]
        process.standardOutput = FileHandle(forWritingAtPath: outputFile)
        process.standardError = FileHandle(forWritingAtPath: outputFile + ".err")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: "serving on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    return DealTestDaemon(
                        process: process,
                        dataDirectory: dataDirectory,
                        port: port,
                        outputFile: outputFile
                    )
                }
            }
            if !process.isRunning {
                let errors = (try? String(contentsOfFile: outputFile + ".err", encoding: .utf8)) ?? ""
                throw StartError(description: "dealsd exited with \(process.terminationStatus): \(text) \(errors)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.terminate()
        throw StartError(description: "dealsd did not announce its port within 30 s")
    }

    private init(process: Process, dataDirectory: String, port: Int, outputFile: String) {
        self.process = process
        self.dataDirectory = dataDirectory
        self.port = port
        self.outputFile = outputFile
    }

    /// The environment in which `deals` (and `DealClientConfiguration.resolve()`) finds this daemon.
    var environment: [String: String] {
        [
            "DEALS_ADDR": "127.0.0.1:\(self.port)",
            "DEALSD_DATA_DIR": self.dataDirectory,
            "HOME": self.dataDirectory + "-home",
        ]
    }

    /// Stops the daemon (SIGTERM, then waits for it to exit).
    func stop() {
        if self.process.isRunning {
            self.process.terminate()
        }
        self.process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: self.outputFile)
        try? FileManager.default.removeItem(atPath: self.outputFile + ".err")
    }

    /// Stops the daemon and removes its data.
    func remove() {
        self.stop()
        try? FileManager.default.removeItem(atPath: self.dataDirectory)
    }
}

/// Runs `body`, failing with a timeout error when it has not finished within `limit`.
func withDeadline<Result: Sendable>(
    _ limit: Duration,
    _ what: String,
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        guard let first = try await group.next(), let result = first else {
            group.cancelAll()
            throw DealTestDaemon.StartError(description: "\(what) did not finish within \(limit)")
        }
        group.cancelAll()
        return result
    }
}
