import CLibPQ
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One connection to PostgreSQL through the system's libpq.
///
/// The connection string is handed to libpq unchanged (`PQconnectdbParams` with `expand_dbname`), so everything
/// an operator already uses works: `key=value` strings and `postgresql://` URIs, `sslmode=verify-full` and
/// `sslrootcert`, `.pgpass`, `PGSERVICE` and the other `PG*` environment variables, and several hosts with
/// `target_session_attrs=read-write` for failover. libpq links the system OpenSSL, so no second TLS stack enters
/// the binary.
///
/// Every call blocks its thread until PostgreSQL answers or the deadline passes: call it from a thread of your own,
/// never from an event loop or Swift's cooperative pool. A statement is sent with libpq's asynchronous API and its
/// answer awaited with `poll` on the socket, so a server that stops answering (stopped, partitioned: TCP alone
/// would wait for ever) costs the deadline, after which the connection is closed and every later call fails with
/// ``DealPostgresError/Code/connection``: make a new one.
///
/// `Sendable` because its only mutable state, libpq's connection handle and the notifications received but not
/// yet taken, lives in a `Mutex`; calls from several threads are serialized by it (a libpq connection serves one
/// statement at a time anyway).
public final class DealPostgresConnection: Sendable {
    /// libpq's `PGconn*`. `@unchecked Sendable` is safe: the pointer is only ever dereferenced (by libpq) inside
    /// `state.withLock`, so no two threads use the connection at once, and it is freed (`PQfinish`) under the same
    /// lock, after which the handle is nil.
    private struct Handle: @unchecked Sendable {
        let connection: OpaquePointer
    }

    private struct State: Sendable {
        var handle: Handle?
        var notifications: [DealPostgresNotification] = []
    }

    private let state: Mutex<State>
    /// How long a statement may take before the connection is given up as lost.
    public let statementTimeout: Duration

    private init(handle: Handle, statementTimeout: Duration) {
        self.state = Mutex(State(handle: handle))
        self.statementTimeout = statementTimeout
    }

    deinit {
        self.close()
    }

    /// Connects with a libpq connection string or URI (see the type's documentation).
    ///
    /// `connectTimeout` applies unless the string sets `connect_timeout` itself; `statementTimeout` bounds every
    /// later statement.
    public static func connect(
        _ conninfo: String,
        connectTimeout: Duration = .seconds(5),
        statementTimeout: Duration = .seconds(10)
    ) throws(DealPostgresError) -> DealPostgresConnection {
        // Later keywords override earlier ones, and the expanded connection string comes last: its own
        // connect_timeout wins over ours.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname"]
        let values = [String(max(1, connectTimeout.components.seconds)), "dealsd", conninfo]
        let connection = Self.withCStringArray(keywords) { keywordPointers in
            Self.withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw DealPostgresError(code: .connection, message: "libpq could not allocate a connection (out of memory)")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw DealPostgresError(
                code: .connection,
                message: "cannot connect to PostgreSQL: \(message); check the connection string (host, port, "
                    + "dbname, user, sslmode) and that the server is running"
            )
        }
        return DealPostgresConnection(handle: Handle(connection: connection), statementTimeout: statementTimeout)
    }

    /// Closes the connection (idempotent); later calls fail with ``DealPostgresError/Code/connection``.
    public func close() {
        self.state.withLock { state in
            if let handle = state.handle { PQfinish(handle.connection) }
            state.handle = nil
        }
    }

    /// Whether the connection is open and was not found broken.
    public var isOpen: Bool {
        self.state.withLock { state in
            guard let handle = state.handle else { return false }
            return PQstatus(handle.connection) == CONNECTION_OK
        }
    }

    /// The server's version number (for example 150014 for 15.14).
    public var serverVersion: Int {
        self.state.withLock { state in state.handle.map { Int(PQserverVersion($0.connection)) } ?? 0 }
    }

    /// Runs one statement with parameters `$1`, `$2`… (sent in binary: bytes are never escaped) and returns its
    /// rows in binary form. One round trip.
    @discardableResult
    public func execute(
        _ sql: String,
        _ parameters: [DealPostgresValue] = [],
        timeout: Duration? = nil
    ) throws(DealPostgresError) -> DealPostgresResult {
        let deadline = ContinuousClock.now + (timeout ?? self.statementTimeout)
        return try self.state.withLock { state throws(DealPostgresError) -> DealPostgresResult in
            guard let handle = state.handle else {
                throw DealPostgresError(code: .connection, message: "the connection to PostgreSQL is closed")
            }
            let connection = handle.connection
            let sent = Self.send(connection, sql, parameters)
            guard sent else {
                let message = Self.trimmed(PQerrorMessage(connection))
                Self.drop(&state)
                throw DealPostgresError(code: .connection, message: "cannot send a statement to PostgreSQL: \(message)")
            }
            var result = DealPostgresResult()
            var failure: DealPostgresError?
            while true {
                try Self.awaitInput(connection, deadline: deadline, state: &state)
                guard let pgResult = PQgetResult(connection) else { break }
                defer { PQclear(pgResult) }
                switch PQresultStatus(pgResult) {
                case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                    result = Self.copy(pgResult)
                case PGRES_EMPTY_QUERY:
                    break
                default:
                    let sqlState = PQresultErrorField(pgResult, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
                    failure = DealPostgresError(
                        code: .query,
                        message: Self.trimmed(PQresultErrorMessage(pgResult)),
                        sqlState: sqlState
                    )
                }
            }
            Self.collectNotifications(connection, into: &state)
            if PQstatus(connection) != CONNECTION_OK {
                let message = Self.trimmed(PQerrorMessage(connection))
                Self.drop(&state)
                throw DealPostgresError(
                    code: .connection,
                    message: "the connection to PostgreSQL was lost: \(message)",
                    sqlState: failure?.sqlState
                )
            }
            if let failure { throw failure }
            return result
        }
    }

    /// Runs `body` in one transaction (`BEGIN` with `mode`, for example `ISOLATION LEVEL REPEATABLE READ READ
    /// ONLY`), committing when it returns and rolling back when it throws.
    public func transaction<T>(
        _ mode: String = "",
        _ body: (DealPostgresConnection) throws(DealPostgresError) -> T
    ) throws(DealPostgresError) -> T {
        try self.execute(mode.isEmpty ? "BEGIN" : "BEGIN " + mode)
        let value: T
        do throws(DealPostgresError) {
            value = try body(self)
        } catch {
            if !error.isConnectionLoss { _ = try? self.execute("ROLLBACK") }
            throw error
        }
        try self.execute("COMMIT")
        return value
    }

    /// Starts listening on `channel` (an SQL identifier: letters, digits, underscores).
    public func listen(_ channel: String) throws(DealPostgresError) {
        guard !channel.isEmpty, channel.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw DealPostgresError(
                code: .protocolViolation,
                message: "channel '\(channel)' is not a plain identifier (letters, digits, underscores)"
            )
        }
        try self.execute("LISTEN " + channel)
    }

    /// Returns the notifications received, waiting up to `timeout` for one when none is pending.
    ///
    /// An empty answer means none arrived in time. Notifications sent while the connection was down are lost:
    /// after reconnecting, re-read what you follow instead of waiting for them.
    public func notifications(waitingUpTo timeout: Duration) throws(DealPostgresError) -> [DealPostgresNotification] {
        try self.state.withLock { state throws(DealPostgresError) -> [DealPostgresNotification] in
            guard let handle = state.handle else {
                throw DealPostgresError(code: .connection, message: "the connection to PostgreSQL is closed")
            }
            let connection = handle.connection
            if state.notifications.isEmpty {
                try Self.consume(connection, state: &state)
                Self.collectNotifications(connection, into: &state)
            }
            if state.notifications.isEmpty {
                var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
                let milliseconds =
                    Int32(clamping: timeout.components.seconds * 1000)
                    + Int32(clamping: timeout.components.attoseconds / 1_000_000_000_000_000)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready > 0 {
                    try Self.consume(connection, state: &state)
                    Self.collectNotifications(connection, into: &state)
                }
            }
            let taken = state.notifications
            state.notifications.removeAll()
            return taken
        }
    }

    // MARK: libpq plumbing (all under the lock)

    private static func send(_ connection: OpaquePointer, _ sql: String, _ parameters: [DealPostgresValue]) -> Bool {
        let encoded = parameters.map(\.binary)
        let types = parameters.map { Oid($0.oid) }
        let lengths = encoded.map { Int32(clamping: $0?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: parameters.count)
        // Copies with a stable address for the duration of the call (libpq copies what it sends).
        let buffers: [UnsafeMutablePointer<CChar>?] = encoded.map { bytes in
            guard let bytes else { return nil }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBufferPointer { source in
                if let base = source.baseAddress {
                    UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: bytes.count)
                }
            }
            return buffer
        }
        defer { for buffer in buffers { buffer?.deallocate() } }
        let values = buffers.map { UnsafePointer<CChar>($0) }
        return values.withUnsafeBufferPointer { valuePointers in
            PQsendQueryParams(
                connection,
                sql,
                Int32(clamping: parameters.count),
                types,
                valuePointers.baseAddress,
                lengths,
                formats,
                1
            ) == 1
        }
    }

    /// Waits until libpq can hand out the next result without blocking, or throws at the deadline (closing the
    /// connection: its state is unknown).
    private static func awaitInput(
        _ connection: OpaquePointer,
        deadline: ContinuousClock.Instant,
        state: inout State
    ) throws(DealPostgresError) {
        while true {
            try Self.consume(connection, state: &state)
            if PQisBusy(connection) == 0 { return }
            let left = deadline - ContinuousClock.now
            if left <= .zero {
                Self.drop(&state)
                throw DealPostgresError(
                    code: .timeout,
                    message: "PostgreSQL did not answer in time; the connection was closed and the statement's "
                        + "outcome is unknown"
                )
            }
            var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
            let milliseconds = max(1, Int32(clamping: left.components.seconds * 1000 + 1))
            _ = poll(&descriptor, 1, min(milliseconds, 1000))
        }
    }

    private static func consume(_ connection: OpaquePointer, state: inout State) throws(DealPostgresError) {
        if PQconsumeInput(connection) == 0 {
            let message = Self.trimmed(PQerrorMessage(connection))
            Self.drop(&state)
            throw DealPostgresError(code: .connection, message: "the connection to PostgreSQL was lost: \(message)")
        }
    }

    private static func drop(_ state: inout State) {
        if let handle = state.handle { PQfinish(handle.connection) }
        state.handle = nil
    }

    private static func collectNotifications(_ connection: OpaquePointer, into state: inout State) {
        while let notify = PQnotifies(connection) {
            state.notifications.append(
                DealPostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                    senderProcessID: notify.pointee.be_pid
                )
            )
            PQfreemem(notify)
        }
    }

    private static func copy(_ result: OpaquePointer) -> DealPostgresResult {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var copied = DealPostgresResult()
        copied.columns = (0..<columnCount).map { PQfname(result, Int32($0)).map { String(cString: $0) } ?? "" }
        copied.rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var cells: [[UInt8]?] = []
            cells.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    cells.append(nil)
                    continue
                }
                let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                guard let value = PQgetvalue(result, Int32(row), Int32(column)) else {
                    cells.append([])
                    continue
                }
                cells.append(
                    UnsafeRawPointer(value).withMemoryRebound(to: UInt8.self, capacity: max(1, length)) {
                        Array(UnsafeBufferPointer(start: $0, count: length))
                    }
                )
            }
            copied.rows.append(cells)
        }
        copied.affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        return copied
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        let text = String(cString: message)
        let lines = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
        return lines.isEmpty ? "unknown error" : lines.joined(separator: "; ")
    }

    private static func withCStringArray<R>(
        _ strings: [String],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        let duplicates = strings.map { strdup($0) }
        defer { for duplicate in duplicates { free(duplicate) } }
        let pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
