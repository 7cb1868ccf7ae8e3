import Foundation

/// Runs a program to completion with stdin from a file and stdout/stderr captured in files.
///
/// Files rather than pipes so nothing blocks on a full pipe; `timeout(1)` kills a stuck peer, so a test never hangs.
enum ExternalProcess {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var errorOutput: String
        var combined: String { self.output + "\n" + self.errorOutput }
    }

    static func run(
        _ arguments: [String],
        input: String = "",
        timeoutSeconds: Int = 20,
        directory: TestDirectory
    ) async throws -> Result {
        let id = UUID().uuidString
        let inputPath = directory.file("stdin-\(id)")
        let outputPath = directory.file("stdout-\(id)")
        let errorPath = directory.file("stderr-\(id)")
        try input.write(toFile: inputPath, atomically: false, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        // -k: the child may inherit blocked signals from a Swift concurrency thread and ignore the first SIGTERM.
        process.arguments = ["-k", "5", "\(timeoutSeconds)"] + arguments
        process.standardInput = FileHandle(forReadingAtPath: inputPath)
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = "true"
        process.environment = environment
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
