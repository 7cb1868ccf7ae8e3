import Foundation

/// Finds the `dealsd` and `deals` executables SwiftPM built beside the test bundle (the target depends on both).
enum DealBinaries {
    /// The path of the executable `name`, searched from the test binary's directory upwards.
    static func path(of name: String) throws -> String {
        var candidates: [String] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(executable)
        }
        candidates.append(CommandLine.arguments[0])
        candidates.append(Bundle.main.bundlePath + "/x")
        for candidate in candidates {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<5 {
                let path = directory.appendingPathComponent(name).path
                if FileManager.default.isExecutableFile(atPath: path) {
                    return path
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw DealEndToEndError("the \(name) executable was not found beside the test bundle (\(candidates))")
    }

    static func dealsd() throws -> String {
        try Self.path(of: "dealsd")
    }

    static func deals() throws -> String {
        try Self.path(of: "deals")
    }
}
