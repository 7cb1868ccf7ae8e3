import Foundation

/// Where the repository, Deploy/ and the built `dealsd` are, seen from a test.
enum DeployPaths {
    /// The repository root: three levels above this file (Tests/DeployTests/DeployPaths.swift).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A file in Deploy/.
    static func deploy(_ name: String) -> String {
        Self.repositoryRoot.appendingPathComponent("Deploy").appendingPathComponent(name).path
    }

    /// The `dealsd` that `swift build` / `swift test` built beside this test bundle.
    ///
    /// The test runner lives in the build products directory (`.build/<triple>/debug`), as does every executable
    /// product of the package, so `dealsd` is looked for next to the runner first, then in `.build/debug`.
    static func dealsd() throws -> String {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        if let first = ProcessInfo.processInfo.arguments.first {
            candidates.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        candidates.append(Self.repositoryRoot.appendingPathComponent(".build/debug"))
        for directory in candidates {
            let path = directory.appendingPathComponent("dealsd").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: path)
            {
                return path
            }
        }
        throw DeployTestError(
            "no dealsd binary beside the tests (looked in \(candidates.map(\.path))); run `swift build` first"
        )
    }

    /// The absolute path of a program on `PATH`, or `nil`.
    static func program(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}

/// A failure with a message, for conditions `#require` cannot express.
struct DeployTestError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The POSIX permission bits of a file.
func permissions(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    guard let mode = attributes[.posixPermissions] as? NSNumber else {
        throw DeployTestError("no permissions for \(path)")
    }
    return mode.intValue & 0o7777
}
