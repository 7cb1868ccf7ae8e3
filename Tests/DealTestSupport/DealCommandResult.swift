import Foundation

/// What one run of a command-line program (`deals`, usually) did: its exit status and everything it wrote.
public struct DealCommandResult: Sendable, CustomStringConvertible {
    /// Why stdout is not the JSON a helper below expected.
    public struct FormatError: Error, CustomStringConvertible {
        public var description: String

        public init(_ description: String) {
            self.description = description
        }
    }

    /// The program's file name, for messages.
    public let name: String
    public let arguments: [String]
    /// The exit status (128 + the signal number when killed by a signal).
    public let status: Int32
    /// Everything it wrote to stdout.
    public let output: String
    /// Everything it wrote to stderr.
    public let error: String

    public init(name: String, arguments: [String], status: Int32, output: String, error: String) {
        self.name = name
        self.arguments = arguments
        self.status = status
        self.output = output
        self.error = error
    }

    public var description: String {
        "\(self.name) \(self.arguments.joined(separator: " ")) → exit \(self.status)\n"
            + "stdout: \(self.output.prefix(3000))\nstderr: \(self.error.prefix(3000))"
    }

    /// stdout split into lines, without the empty string after the final newline.
    public var lines: [String] {
        self.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    /// stdout parsed as one JSON document.
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(self.output.utf8), options: [.fragmentsAllowed])
    }

    /// stdout as a JSON object.
    public func jsonObject() throws -> [String: Any] {
        guard let object = try self.json() as? [String: Any] else {
            throw FormatError("not a JSON object: \(self)")
        }
        return object
    }

    /// stdout as a JSON array of objects.
    public func jsonArray() throws -> [[String: Any]] {
        guard let array = try self.json() as? [[String: Any]] else {
            throw FormatError("not a JSON array of objects: \(self)")
        }
        return array
    }

    /// stdout as JSON Lines: every non-empty line one JSON object.
    public func jsonLines() throws -> [[String: Any]] {
        try self.lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FormatError("a JSON Lines line is not an object: \(line)")
            }
            return object
        }
    }
}
