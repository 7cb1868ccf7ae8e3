import Foundation

/// What one `deals` run did: its exit status and everything it wrote.
struct DealsResult: Sendable, CustomStringConvertible {
    let arguments: [String]
    /// The exit status (128 + the signal number when killed by a signal).
    let status: Int32
    let output: String
    let error: String

    var description: String {
        "deals \(self.arguments.joined(separator: " ")) → exit \(self.status)\n"
            + "stdout: \(self.output.prefix(3000))\nstderr: \(self.error.prefix(3000))"
    }

    /// stdout split into lines, without the empty string after the final newline.
    var lines: [String] {
        self.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    /// stdout parsed as one JSON document.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(self.output.utf8), options: [.fragmentsAllowed])
    }

    /// stdout as a JSON object.
    func jsonObject() throws -> [String: Any] {
        guard let object = try self.json() as? [String: Any] else {
            throw DealEndToEndError("not a JSON object: \(self)")
        }
        return object
    }

    /// stdout as a JSON array of objects.
    func jsonArray() throws -> [[String: Any]] {
        guard let array = try self.json() as? [[String: Any]] else {
            throw DealEndToEndError("not a JSON array of objects: \(self)")
        }
        return array
    }

    /// stdout as JSON Lines: every non-empty line one JSON object.
    func jsonLines() throws -> [[String: Any]] {
        try self.lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DealEndToEndError("a JSON Lines line is not an object: \(line)")
            }
            return object
        }
    }
}
