/// An FX table that cannot be read: the message names what is wrong and how to make a good one.
public struct DealFXTableError: Error, Sendable, CustomStringConvertible {
    /// Why the table cannot be read.
    public enum Code: String, Sendable, Equatable {
        /// Not a DealStore FX table (wrong first line), or a header line that is not `key: value`.
        case notATable
        /// The binary body ends early, runs past its counts, or carries an impossible value.
        case malformed
        /// The file cannot be read at all.
        case unreadable
    }

    /// Why the table cannot be read.
    public var code: Code
    /// What was wrong and what to do.
    public var message: String
    /// The underlying error (a file-system error for ``Code/unreadable``).
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        self.message
            + " (make one with Tools/fx/make-fx-table.py)"
            + (self.cause.map { ": \($0)" } ?? "")
    }
}
