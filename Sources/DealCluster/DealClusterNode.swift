import DealModel
import DealPostgres
public import DealStore
import Dispatch
import Foundation
public import Logging
import SwiftProtobuf
import Synchronization

/// A dealsd node that is an in-memory replica of a DealStore cluster kept in PostgreSQL (see Deploy/cluster.md).
///
/// ``open(conninfo:options:logger:)`` migrates the schema, loads a consistent snapshot (one REPEATABLE READ
/// transaction), opens a replica ``DealStore`` over it and starts the tailer: a thread of its own that follows
/// `dealstore.changes` in revision order, woken by LISTEN/NOTIFY and polling every ``pollInterval`` as the fallback,
/// and applies every change through the store's one apply path. Writes go through ``DealClusterChangeLog`` on the
/// store's replica thread. Without PostgreSQL the node keeps serving reads at its last revision, refuses writes
/// (UNAVAILABLE) and reports NOT_SERVING with the reason and the lag; once PostgreSQL answers again it re-reads the
/// change log from its last applied revision (notifications sent meanwhile are lost) and serves again.
public final class DealClusterNode: Sendable {
    private struct Status: Sendable {
        var stopped = false
        var reachable = true
        var since = Date()
        var lastKnownRevision: UInt64 = 0
    }

    /// The node's store: serve it like a local one.
    public let store: DealStore
    let conninfo: String
    let logger: Logger
    let log: DealClusterChangeLog
    /// How often the tailer looks at the change log when no notification came (also how soon a silent
    /// PostgreSQL is noticed, together with the statement timeout).
    public let pollInterval: Duration
    private let status: Mutex<Status>
    private let stopSignal = DispatchSemaphore(value: 0)
    private let tailerDone = DispatchSemaphore(value: 0)

    private init(store: DealStore, conninfo: String, log: DealClusterChangeLog, logger: Logger, revision: UInt64) {
        self.store = store
        self.conninfo = conninfo
        self.log = log
        self.logger = logger
        self.pollInterval = .milliseconds(500)
        self.status = Mutex(Status(lastKnownRevision: revision))
    }

    /// Connects to PostgreSQL with `conninfo` (a libpq connection string or URI, passed to libpq unchanged),
    /// migrates the schema, loads the snapshot and starts following the change log; seeds the bundled dataset when
    /// the cluster is empty and `options.seedIfEmpty` is set.
    ///
    /// Throws ``DealStoreError/Code/readOnly`` (UNAVAILABLE) when PostgreSQL cannot be reached: a node has no
    /// local copy to start from.
    public static func open(
        conninfo: String,
        options: DealStoreOptions = DealStoreOptions(),
        logger: Logger = Logger(label: "DealCluster")
    ) async throws(DealStoreError) -> DealClusterNode {
        let loaded: Result<(UInt64, [Dealstore_V1_Organization], [[UInt8]]), DealStoreError> = await Self.blocking {
            do throws(DealPostgresError) {
                let connection = try DealPostgresConnection.connect(conninfo, statementTimeout: .seconds(300))
                defer { connection.close() }
                try DealClusterSchema.migrate(connection, logger: logger)
                return .success(try Self.loadSnapshot(connection))
            } catch {
                return .failure(
                    DealStoreError(
                        code: error.isConnectionLoss ? .readOnly : .internal,
                        message: "cannot start the cluster node: \(error.message)",
                        cause: error
                    )
                )
            }
        }
        let (revision, organizations, deals) = try loaded.get()
        let log = DealClusterChangeLog(conninfo: conninfo, logger: logger)
        let store = try DealStore.open(
            replicaOf: log,
            revision: revision,
            organizations: organizations,
            deals: deals,
            options: options,
            logger: logger
        )
        let node = DealClusterNode(store: store, conninfo: conninfo, log: log, logger: logger, revision: revision)
        node.startTailer()
        try await store.seedReplicaIfEmpty()
        return node
    }

    /// Stops following the change log and closes the store (reads keep working from memory).
    public func close() async throws {
        let wasStopped = self.status.withLock { status in
            let was = status.stopped
            status.stopped = true
            return was
        }
        if wasStopped { return }
        self.stopSignal.signal()
        try await self.store.close()
        await Self.blocking { self.tailerDone.wait() }
        self.log.close()
    }

    /// Every organization and deal at one revision: one REPEATABLE READ transaction, so the counter and the rows
    /// are one snapshot of the database.
    static func loadSnapshot(
        _ connection: DealPostgresConnection
    ) throws(DealPostgresError) -> (UInt64, [Dealstore_V1_Organization], [[UInt8]]) {
        try connection.transaction("ISOLATION LEVEL REPEATABLE READ READ ONLY") {
            connection throws(DealPostgresError) in
            let revision = try connection.execute("SELECT revision FROM dealstore.counter WHERE id = 1")
                .int64(row: 0, column: 0)
            let organizationRows = try connection.execute("SELECT payload FROM dealstore.organizations")
            var organizations: [Dealstore_V1_Organization] = []
            organizations.reserveCapacity(organizationRows.rows.count)
            for row in organizationRows.rows.indices {
                do {
                    organizations.append(
                        try Dealstore_V1_Organization(
                            serializedBytes: try organizationRows.bytes(row: row, column: 0) ?? []
                        )
                    )
                } catch let error as DealPostgresError {
                    throw error
                } catch {
                    throw DealPostgresError(
                        code: .protocolViolation,
                        message: "a row of dealstore.organizations does not decode",
                        cause: error
                    )
                }
            }
            let dealRows = try connection.execute("SELECT payload FROM dealstore.deals")
            let deals = dealRows.rows.map { ($0.first ?? nil) ?? [] }
            return (UInt64(clamping: revision), organizations, deals)
        }
    }

    // MARK: Tailer

    private var isStopped: Bool { self.status.withLock { $0.stopped } }

    private func startTailer() {
        let thread = Thread { [self] in
            self.tail()
            self.tailerDone.signal()
        }
        thread.name = "DealCluster.tailer"
        thread.start()
    }

    private func tail() {
        var connection: DealPostgresConnection?
        var backoff: Duration = .milliseconds(100)
        while !self.isStopped {
            do throws(DealPostgresError) {
                let open: DealPostgresConnection
                if let connection, connection.isOpen {
                    open = connection
                } else {
                    open = try DealPostgresConnection.connect(
                        self.conninfo,
                        connectTimeout: .seconds(3),
                        statementTimeout: .seconds(3)
                    )
                    try open.listen(DealClusterSchema.channel)
                    connection = open
                }
                try self.catchUp(open)
                backoff = .milliseconds(100)
                _ = try open.notifications(waitingUpTo: self.pollInterval)
            } catch {
                connection?.close()
                connection = nil
                if error.code == .protocolViolation {
                    // Reached, but what it holds cannot be applied here: the reason was set where it was found.
                    self.logger.error("cannot follow the change log", metadata: ["error": "\(error)"])
                } else {
                    self.markUnreachable(error)
                }
                _ = self.stopSignal.wait(
                    timeout: .now()
                        + .milliseconds(
                            Int(backoff.components.seconds * 1000)
                                + Int(backoff.components.attoseconds / 1_000_000_000_000_000)
                        )
                )
                backoff = min(backoff * 2, .seconds(2))
            }
        }
        connection?.close()
    }

    /// Applies every change after the store's revision, then reports the node serving.
    private func catchUp(_ connection: DealPostgresConnection) throws(DealPostgresError) {
        let head = UInt64(
            clamping: try connection.execute("SELECT revision FROM dealstore.counter WHERE id = 1").int64(
                row: 0,
                column: 0
            )
        )
        self.status.withLock { $0.lastKnownRevision = head }
        if head < self.store.revision {
            // PostgreSQL lost commits this node applied (an asynchronous standby was promoted): its next revisions
            // would be other changes than the ones here. Serving reads of a history the cluster no longer has, or
            // writing on top of it, would be wrong: stop serving until restarted (a restart reloads the snapshot).
            let reason =
                "PostgreSQL is at revision \(head) but this node applied up to \(self.store.revision): commits "
                + "were lost (failover to an asynchronous standby?); restart this node to reload from PostgreSQL"
            self.store.setReplicaHealth(.readOnly(reason: reason))
            throw DealPostgresError(code: .protocolViolation, message: reason)
        }
        while self.store.revision < head {
            let events = try DealClusterChangeLog.changes(connection, after: self.store.revision, limit: 1000)
            if events.isEmpty { break }
            do throws(DealStoreError) {
                try self.store.applyReplicated(events)
            } catch {
                self.store.setReplicaHealth(.readOnly(reason: error.message))
                self.logger.critical("cannot apply the change log", metadata: ["error": "\(error)"])
                throw DealPostgresError(code: .protocolViolation, message: error.message, cause: error)
            }
        }
        let recovered = self.status.withLock { status in
            let was = status.reachable
            status.reachable = true
            return !was
        }
        self.store.setReplicaHealth(.serving)
        if recovered {
            self.logger.notice(
                "PostgreSQL is reachable again; caught up",
                metadata: ["revision": "\(self.store.revision)"]
            )
        }
    }

    private func markUnreachable(_ error: DealPostgresError) {
        let applied = self.store.revision
        let (since, known, first) = self.status.withLock { status in
            let first = status.reachable
            if first { status.since = Date() }
            status.reachable = false
            return (status.since, status.lastKnownRevision, first)
        }
        let seconds = Int(Date().timeIntervalSince(since))
        let lag = known > applied ? known - applied : 0
        let reason =
            "PostgreSQL is unreachable for \(seconds) s (\(error.message)); reads are served at revision "
            + "\(applied), the last applied (lag: at least \(lag) revision(s) behind \(known), the last seen in "
            + "PostgreSQL); writes are refused until it answers again"
        self.store.setReplicaHealth(.readOnly(reason: reason))
        if first {
            self.logger.error("lost PostgreSQL; serving reads only", metadata: ["error": "\(error)"])
        }
    }

    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "DealCluster.blocking"
            thread.start()
        }
    }
}
