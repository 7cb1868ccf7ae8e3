/// The rows a statement returned, with every column in PostgreSQL's binary format (copied out of libpq's result).
public struct DealPostgresResult: Sendable {
    /// The column names, in order.
    public var columns: [String]
    /// The rows; a `nil` cell is SQL NULL.
    public var rows: [[[UInt8]?]]
    /// The number of rows the statement affected (`UPDATE`, `DELETE`, `INSERT`), 0 when it does not say.
    public var affectedRows: Int

    /// Creates a result (the connection builds them).
    public init(columns: [String] = [], rows: [[[UInt8]?]] = [], affectedRows: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// The raw bytes of a cell; nil for NULL. Throws when the row or column does not exist.
    public func bytes(row: Int, column: Int) throws(DealPostgresError) -> [UInt8]? {
        guard self.rows.indices.contains(row), self.rows[row].indices.contains(column) else {
            throw DealPostgresError(
                code: .protocolViolation,
                message: "the result has \(self.rows.count) row(s) of \(self.columns.count) column(s); "
                    + "row \(row) column \(column) does not exist"
            )
        }
        return self.rows[row][column]
    }

    /// A `bigint`, `integer` or `smallint` cell as Int64; throws for NULL or another type.
    public func int64(row: Int, column: Int) throws(DealPostgresError) -> Int64 {
        guard let bytes = try self.bytes(row: row, column: column) else {
            throw DealPostgresError(code: .protocolViolation, message: "column \(column) of row \(row) is NULL")
        }
        guard bytes.count == 8 || bytes.count == 4 || bytes.count == 2 else {
            throw DealPostgresError(
                code: .protocolViolation,
                message: "column \(column) of row \(row) is \(bytes.count) bytes, not an integer"
            )
        }
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        // Sign-extend the narrower integer types.
        let shift = UInt64(64 - 8 * bytes.count)
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }

    /// A `text` cell; throws for NULL or bytes that are not UTF-8.
    public func text(row: Int, column: Int) throws(DealPostgresError) -> String {
        guard let bytes = try self.bytes(row: row, column: column) else {
            throw DealPostgresError(code: .protocolViolation, message: "column \(column) of row \(row) is NULL")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DealPostgresError(code: .protocolViolation, message: "column \(column) of row \(row) is not UTF-8")
        }
        return text
    }

    /// A `boolean` cell.
    public func bool(row: Int, column: Int) throws(DealPostgresError) -> Bool {
        guard let bytes = try self.bytes(row: row, column: column), bytes.count == 1 else {
            throw DealPostgresError(code: .protocolViolation, message: "column \(column) of row \(row) is no boolean")
        }
        return bytes[0] != 0
    }
}

/// A notification received on a channel the connection listens to (`LISTEN`, `NOTIFY`).
public struct DealPostgresNotification: Sendable, Hashable {
    /// The channel.
    public var channel: String
    /// The payload (up to 8000 bytes; empty when none was given).
    public var payload: String
    /// The process id of the server backend that sent it.
    public var senderProcessID: Int32
}
