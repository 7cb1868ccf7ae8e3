import Foundation

extension DealTokensFile {
    /// Appends `token`'s line (its hash, `role`, `name`) to the tokens file at `path` and syncs it to disk, so a
    /// reload (SIGHUP) that follows finds it.
    public static func append(token: String, role: DealRole, name: String, to path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((Self.line(for: token, role: role, name: name) + "\n").utf8))
        try handle.synchronize()
    }
}
