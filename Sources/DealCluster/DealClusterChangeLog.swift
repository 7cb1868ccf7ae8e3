public import DealModel
import DealPostgres
public import DealStore
import Logging
import SwiftProtobuf
import Synchronization

/// The PostgreSQL change log a cluster node writes through: ``DealReplicationLog`` over one libpq connection.
///
/// A batch of changes is one call of `dealstore.append` (one statement, one transaction, one round trip): the
/// counter row first (compare-and-set from the revision the batch was prepared at), then the change-log rows, the
/// `deals`/`organizations` rows and a NOTIFY. Comparing the whole revision, not each record's etag, makes the
/// check exact for everything validation read (names unique across organizations, references between records):
/// the batch is applied only to the state it was prepared against. The price is a retry when another node wrote
/// in between (see ``DealStore/processReplicated``).
///
/// Called only on the store's replica thread (blocking is fine there); the connection is made on first use and
/// again after it is lost.
public final class DealClusterChangeLog: DealReplicationLog {
    let conninfo: String
    let logger: Logger
    private let connection = Mutex<DealPostgresConnection?>(nil)
    /// Idle connections for watches replaying history (``history(after:upTo:limit:)``), which run on their own
    /// threads, several at once, never on the writer's connection.
    private let historyConnections = Mutex<[DealPostgresConnection]>([])
    /// How many idle history connections are kept; more concurrent replays connect and close their own.
    static let idleHistoryConnections = 2

    init(conninfo: String, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
    }

    func connected() throws(DealPostgresError) -> DealPostgresConnection {
        if let open = self.connection.withLock({ $0 }), open.isOpen { return open }
        let fresh = try DealPostgresConnection.connect(self.conninfo)
        self.connection.withLock { $0 = fresh }
        return fresh
    }

    func close() {
        self.connection.withLock { connection in
            connection?.close()
            connection = nil
        }
        let idle = self.historyConnections.withLock { idle in
            defer { idle.removeAll() }
            return idle
        }
        for connection in idle { connection.close() }
    }

    /// PostgreSQL's change log retains every change after `dealstore.cluster.compacted_revision`.
    public var retainsHistory: Bool { true }

    /// The changes after `revision` up to `upTo` from `dealstore.changes`, for a watch from before the node's
    /// in-memory history (after a restart, or older than `store.change_history_limit`): OUT_OF_RANGE only when
    /// the cluster compacted them, UNAVAILABLE when PostgreSQL cannot be reached.
    public func history(
        after revision: UInt64,
        upTo: UInt64,
        limit: Int
    ) throws(DealStoreError) -> [Dealstore_V1_ChangeEvent] {
        guard revision < upTo else { return [] }
        var connection: DealPostgresConnection?
        do throws(DealPostgresError) {
            let open: DealPostgresConnection
            if let idle = self.historyConnections.withLock({ $0.popLast() }), idle.isOpen {
                open = idle
            } else {
                open = try DealPostgresConnection.connect(
                    self.conninfo,
                    connectTimeout: .seconds(3),
                    statementTimeout: .seconds(10)
                )
            }
            connection = open
            let events = try Self.changes(open, after: revision, upTo: upTo, limit: max(1, limit))
            let kept = self.historyConnections.withLock { idle in
                guard idle.count < Self.idleHistoryConnections else { return false }
                idle.append(open)
                return true
            }
            if !kept { open.close() }
            return events
        } catch {
            if error.code == .protocolViolation, let connection, connection.isOpen,
                let compacted = try? Self.compactedRevision(connection), revision < compacted
            {
                connection.close()
                throw DealStoreError(
                    code: .outOfRange,
                    message: "revision \(revision) is compacted from the cluster's change log (the oldest revision a "
                        + "watch can start from is \(compacted); dealstore.settings change_log_retention): re-read "
                        + "the deals and watch from the revision the read was served at",
                    cause: error
                )
            }
            connection?.close()
            if error.code == .protocolViolation {
                throw DealStoreError(code: .dataLoss, message: error.message, cause: error)
            }
            throw DealStoreError(
                code: .readOnly,
                message: "cannot read the change history from PostgreSQL (\(error.message)); watch again later",
                cause: error
            )
        }
    }

    public func append(
        _ events: [Dealstore_V1_ChangeEvent],
        after base: UInt64
    ) throws(DealStoreError) -> DealAppendOutcome {
        let parameters = try Self.appendParameters(events, base: base)
        var sent = false
        do throws(DealPostgresError) {
            let connection = try self.connected()
            sent = true
            return try Self.appendOnce(connection, parameters)
        } catch {
            if !error.isConnectionLoss { throw Self.unavailable(error, outcomeUnknown: false) }
            self.close()
            if !sent { throw Self.unavailable(error, outcomeUnknown: false) }
        }
        // The connection broke after the batch was sent: it may have committed. Revisions make that decidable,
        // so the caller is not left with "outcome unknown": the batch committed if and only if the change at
        // base + 1 is its first event; if there is none, nothing committed at base + 1 and it is sent again.
        guard case .bytesArray(let serialized) = parameters[1], let first = serialized.first ?? nil else {
            throw DealStoreError(code: .internal, message: "an append without events")
        }
        do throws(DealPostgresError) {
            let connection = try self.connected()
            let found = try connection.execute(
                "SELECT event FROM dealstore.changes WHERE revision = $1",
                [.int64(Int64(clamping: base) &+ 1)]
            )
            if found.rows.isEmpty {
                let outcome = try Self.appendOnce(connection, parameters)
                guard case .conflict = outcome else { return outcome }
                // The first attempt may still have been running (waiting for the synchronous standby, holding the
                // counter row's lock) and committed while this one queued on that lock: a conflict here is decided
                // again by what holds base + 1, or a retried create would find its own row and answer "already
                // exists".
                let again = try connection.execute(
                    "SELECT event FROM dealstore.changes WHERE revision = $1",
                    [.int64(Int64(clamping: base) &+ 1)]
                )
                if !again.rows.isEmpty, try again.bytes(row: 0, column: 0) == first { return .appended }
                return outcome
            }
            if try found.bytes(row: 0, column: 0) == first { return .appended }
            let head = try connection.execute("SELECT revision FROM dealstore.counter WHERE id = 1")
                .int64(row: 0, column: 0)
            return .conflict(currentRevision: UInt64(clamping: head))
        } catch {
            if error.isConnectionLoss { self.close() }
            throw Self.unavailable(error, outcomeUnknown: true)
        }
    }

    private static func appendOnce(
        _ connection: DealPostgresConnection,
        _ parameters: [DealPostgresValue]
    ) throws(DealPostgresError) -> DealAppendOutcome {
        let result = try connection.execute(
            "SELECT appended, last_revision FROM dealstore.append($1, $2, $3, $4, $5, $6, $7)",
            parameters
        )
        if try result.bool(row: 0, column: 0) { return .appended }
        return .conflict(currentRevision: UInt64(clamping: try result.int64(row: 0, column: 1)))
    }

    private static func unavailable(_ error: DealPostgresError, outcomeUnknown: Bool) -> DealStoreError {
        let outcome =
            outcomeUnknown
            ? "the write's outcome is unknown (it may have been applied: read it back before retrying)"
            : "the write was not applied"
        return DealStoreError(
            code: error.isConnectionLoss ? .readOnly : .internal,
            message: "PostgreSQL is unavailable (\(error.message)); \(outcome)",
            cause: error
        )
    }

    public func catchUp(_ store: DealStore, to revision: UInt64) throws(DealStoreError) {
        while store.revision < revision {
            let events: [Dealstore_V1_ChangeEvent]
            do throws(DealPostgresError) {
                events = try Self.changes(try self.connected(), after: store.revision, limit: 1000)
            } catch {
                if error.isConnectionLoss { self.close() }
                let reason =
                    error.code == .protocolViolation ? error.message : "PostgreSQL is unavailable (\(error.message))"
                throw DealStoreError(code: .readOnly, message: "\(reason); the write was not applied", cause: error)
            }
            if events.isEmpty { break }
            try store.applyReplicated(events)
        }
    }

    /// The change events after `revision`, in order, at most `limit`.
    ///
    /// Throws ``DealPostgresError/Code/protocolViolation`` with ``compactedMessage(after:compacted:)`` when the
    /// change at `revision + 1` was compacted away (the caller cannot catch up from the log: reload every record).
    static func changes(
        _ connection: DealPostgresConnection,
        after revision: UInt64,
        upTo: UInt64 = UInt64(Int64.max),
        limit: Int
    ) throws(DealPostgresError) -> [Dealstore_V1_ChangeEvent] {
        let result = try connection.execute(
            """
            SELECT revision, event FROM dealstore.changes WHERE revision > $1 AND revision <= $2
            ORDER BY revision LIMIT $3
            """,
            [.int64(Int64(clamping: revision)), .int64(Int64(clamping: upTo)), .int64(Int64(limit))]
        )
        var events: [Dealstore_V1_ChangeEvent] = []
        events.reserveCapacity(result.rows.count)
        for row in result.rows.indices {
            let bytes = try result.bytes(row: row, column: 1) ?? []
            do {
                events.append(try Dealstore_V1_ChangeEvent(serializedBytes: bytes))
            } catch {
                throw DealPostgresError(
                    code: .protocolViolation,
                    message: "change \(try result.int64(row: row, column: 0)) in dealstore.changes does not decode",
                    cause: error
                )
            }
        }
        if events.first.map({ $0.revision != revision &+ 1 }) ?? true {
            // A gap (or nothing where the caller expected more): is the next change compacted?
            let compacted = try Self.compactedRevision(connection)
            if revision < compacted {
                throw DealPostgresError(
                    code: .protocolViolation,
                    message: Self.compactedMessage(after: revision, compacted: compacted)
                )
            }
        }
        return events
    }

    /// The highest revision compaction deleted from `dealstore.changes` (0: none).
    static func compactedRevision(_ connection: DealPostgresConnection) throws(DealPostgresError) -> UInt64 {
        UInt64(
            clamping: try connection.execute("SELECT compacted_revision FROM dealstore.cluster WHERE id = 1")
                .int64(row: 0, column: 0)
        )
    }

    /// Why a node at `revision` cannot follow the change log change by change (it reloads every record instead).
    static func compactedMessage(after revision: UInt64, compacted: UInt64) -> String {
        "revision \(revision &+ 1) is compacted from the change log (the oldest retained revision is "
            + "\(compacted &+ 1); dealstore.settings change_log_retention): this node, at revision \(revision), "
            + "cannot catch up from it change by change"
    }

    /// The seven arrays `dealstore.append` takes, built from the events.
    static func appendParameters(
        _ events: [Dealstore_V1_ChangeEvent],
        base: UInt64
    ) throws(DealStoreError) -> [DealPostgresValue] {
        var serialized: [[UInt8]?] = []
        var kinds: [String?] = []
        var types: [String?] = []
        var ids: [String?] = []
        var payloads: [[UInt8]?] = []
        var records: [String?] = []
        for event in events {
            do {
                serialized.append(try event.serializedBytes())
                let kind: String =
                    switch event.kind {
                    case .created: "created"
                    case .deleted: "deleted"
                    default: "updated"
                    }
                kinds.append(kind)
                switch event.record.record {
                case .deal(let deal):
                    types.append("deal")
                    ids.append(deal.id)
                    payloads.append(try deal.serializedBytes())
                    records.append(try deal.jsonString())
                case .organization(let organization):
                    types.append("organization")
                    ids.append(organization.id)
                    payloads.append(try organization.serializedBytes())
                    records.append(try organization.jsonString())
                case nil:
                    throw DealStoreError(code: .internal, message: "change \(event.revision) holds no record")
                }
            } catch let error as DealStoreError {
                throw error
            } catch {
                throw DealStoreError(code: .internal, message: "cannot encode change \(event.revision)", cause: error)
            }
        }
        return [
            .int64(Int64(clamping: base)), .bytesArray(serialized), .textArray(kinds), .textArray(types),
            .textArray(ids), .bytesArray(payloads), .textArray(records),
        ]
    }
}
