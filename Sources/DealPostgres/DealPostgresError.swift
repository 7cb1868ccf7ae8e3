/// A failure talking to PostgreSQL: what went wrong, PostgreSQL's SQLSTATE when the server sent one, and the
/// underlying error when there is one.
public struct DealPostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, which decides what the caller can do about it.
    public enum Code: String, Sendable, Hashable {
        /// The connection could not be made or was lost: reconnect and retry (the outcome of a statement that was
        /// in flight is unknown).
        case connection
        /// The server did not answer within the deadline: the connection was closed, the outcome is unknown.
        case timeout
        /// The server refused the statement (see ``DealPostgresError/sqlState``).
        case query
        /// The server's answer was not what the caller expected (a column of the wrong type, a missing row).
        case protocolViolation
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do, for people.
    public var message: String
    /// PostgreSQL's five-character SQLSTATE (for example `40001`), when the server reported one.
    public var sqlState: String?
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, sqlState: String? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.cause = cause
    }

    /// Whether the connection is unusable after this error (lost, timed out, or an SQLSTATE of class 08, 57P).
    public var isConnectionLoss: Bool {
        switch self.code {
        case .connection, .timeout: return true
        case .protocolViolation: return false
        case .query:
            guard let state = self.sqlState else { return false }
            // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now;
            // 25006: read-only transaction (a demoted primary); all mean "try another server or later".
            return state.hasPrefix("08") || state.hasPrefix("57P") || state == "25006"
        }
    }

    public var description: String {
        var text = "PostgreSQL \(self.code.rawValue) error: \(self.message)"
        if let sqlState = self.sqlState { text += " (SQLSTATE \(sqlState))" }
        if let cause = self.cause { text += " (cause: \(cause))" }
        return text
    }
}
