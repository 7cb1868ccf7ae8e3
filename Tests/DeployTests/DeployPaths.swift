import Foundation

/// Where the repository and the built products are, seen from a test.
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
}
