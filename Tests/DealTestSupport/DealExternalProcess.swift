import Foundation

/// Runs a program to completion: never with a terminal, stdin from a file, stdout and stderr into files (so nothing
/// blocks on a full pipe), always under `timeout(1)` so a stuck program never hangs a test.
public enum DealExternalProcess {
    /// How a program ended and what it printed.
    public struct Result: Sendable {
        /// The exit status (124 when `timeout(1)` stopped it).
        public var status: Int32
        /// Everything it wrote to stdout.
        public var output: String
        /// Everything it wrote to stderr.
        public var errorOutput: String
        /// stdout, a newline, stderr: for messages and `contains` checks that do not care which.
        public var combined: String { self.output + "\n" + self.errorOutput }
    }

    /// The test's own environment with `CI=true`, as CI runs it.
    public static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = "true"
        return environment
    }

    /// Runs `arguments` with `input` on stdin; `timeout(1)` sends TERM after `timeoutSeconds` and KILL 5 s later.
    /// The stdin and output files live in `directory` while it runs; the program runs in `currentDirectory` when
    /// given (else in the test's own).
    public static func run(
        _ arguments: [String],
        input: String = "",
        timeoutSeconds: Int = 20,
        environment: [String: String] = Self.environment,
        currentDirectory: String? = nil,
        directory: DealTemporaryDirectory
    ) async throws -> Result {
        let id = UUID().uuidString
        let inputPath = directory.file(".stdin-\(id)")
        let outputPath = directory.file(".stdout-\(id)")
        let errorPath = directory.file(".stderr-\(id)")
        try input.write(toFile: inputPath, atomically: false, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer {
            for path in [inputPath, outputPath, errorPath] {
                try? FileManager.default.removeItem(atPath: path)
            }
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        // -k: the child may inherit blocked signals from a Swift concurrency thread and ignore the first SIGTERM.
        process.arguments = ["-k", "5", "\(timeoutSeconds)"] + arguments
        process.standardInput = FileHandle(forReadingAtPath: inputPath)
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        process.environment = environment
        if let currentDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Result(
            status: status,
            output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            errorOutput: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        )
    }
}
