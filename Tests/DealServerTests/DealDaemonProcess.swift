import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `dealsd` process on a loopback port it picks itself, for tests that must kill it.
final class DealDaemonProcess {
    let process: Process
    let dataDirectory: String
    let port: Int
    let outputFile: String

    var caFile: String { self.dataDirectory + "/ca.pem" }

    var adminToken: String {
        ((try? String(contentsOfFile: self.dataDirectory + "/admin.token", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The `dealsd` binary built beside the test bundle (the test target depends on it).
    static func binaryPath() -> String? {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        candidates.append(CommandLine.arguments[0])
        for candidate in candidates {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<5 {
                let path = directory.appendingPathComponent("dealsd").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts dealsd on 127.0.0.1:0 and waits until it announces its port.
    ///
    /// `launcher` runs dealsd through another program that execs it (for example `prlimit --fsize=N`), so the
    /// process is still dealsd itself.
    static func start(
        dataDirectory: String,
        extraArguments: [String] = [],
        launcher: [String] = []
    ) throws -> DealDaemonProcess {
        guard let binary = Self.binaryPath() else {
            throw StartError(description: "dealsd binary not found next to the test bundle")
        }
        let outputFile = dataDirectory + ".out-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        let process = Process()
        let arguments =
            ["--data-dir", dataDirectory, "--listen", "127.0.0.1:0", "--log-level", "warning"] + extraArguments
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        process.standardOutput = FileHandle(forWritingAtPath: outputFile)
        _ = FileManager.default.createFile(atPath: outputFile + ".err", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: outputFile + ".err")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: "serving on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    return DealDaemonProcess(
                        process: process,
                        dataDirectory: dataDirectory,
                        port: port,
                        outputFile: outputFile
                    )
                }
            }
            if !process.isRunning {
                throw StartError(description: "dealsd exited with \(process.terminationStatus): \(text)")
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

    var output: String {
        (try? String(contentsOfFile: self.outputFile, encoding: .utf8)) ?? ""
    }

    /// What dealsd logged (its standard error).
    var errorOutput: String {
        (try? String(contentsOfFile: self.outputFile + ".err", encoding: .utf8)) ?? ""
    }

    func kill(_ signal: Int32) {
        Glibc.kill(self.process.processIdentifier, signal)
        self.process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: self.outputFile)
        try? FileManager.default.removeItem(atPath: self.outputFile + ".err")
    }
}
