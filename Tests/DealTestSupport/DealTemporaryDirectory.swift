import Foundation

/// A fresh temporary directory, removed when the value is released: the one tests make their files in.
public final class DealTemporaryDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Creates `<tmp>/<prefix>-<uuid>`; the prefix says which tests left it behind if a run is killed.
    public init(prefix: String = "dealstore-test") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        self.path = url.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String {
        self.path + "/" + name
    }
}
