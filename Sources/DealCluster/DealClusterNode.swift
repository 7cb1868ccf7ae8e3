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
/// ``open(conninfo:cacheDirectory:cacheInterval:options:logger:)`` migrates the schema, loads its local cache and
/// the change log after it or else a consistent snapshot (one REPEATABLE READ transaction), opens a replica
/// ``DealStore`` over it and starts the tailer: a thread of its own that follows
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
        /// The revision of the local cache last written (nil: none written by this process yet).
        var cachedRevision: UInt64?
        var cachedAt = ContinuousClock.now
        /// When the tailer next runs `dealstore.compact()` (now: right after the start).
        var nextCompaction = ContinuousClock.now
    }

    /// What a start loaded: every record at `revision`, from PostgreSQL or from the local cache, and the changes
    /// after the cache's revision.
    struct Loaded: Sendable {
        var clusterID: String
        var revision: UInt64
        var organizations: [Dealstore_V1_Organization]
        var deals: [[UInt8]]
        var tail: [Dealstore_V1_ChangeEvent]
        var fromCache: Bool
        /// `dealstore.cluster.compacted_revision` when it was loaded: watches from any later revision are served.
        var compacted: UInt64
    }

    /// The node's store: serve it like a local one.
    public let store: DealStore
    let conninfo: String
    let logger: Logger
    let log: DealClusterChangeLog
    /// How often the tailer looks at the change log when no notification came (also how soon a silent
    /// PostgreSQL is noticed, together with the statement timeout).
    public let pollInterval: Duration
    /// Where the node keeps its local cache (nil: none), and how often it rewrites it while the revision moves.
    let cacheDirectory: String?
    let cacheInterval: Duration
    /// `dealstore.cluster.cluster_id`: the cache is only used by a node of the same cluster.
    let clusterID: String
    private let status: Mutex<Status>
    private let stopSignal = DispatchSemaphore(value: 0)
    private let tailerDone = DispatchSemaphore(value: 0)

    private init(
        store: DealStore,
        conninfo: String,
        log: DealClusterChangeLog,
        logger: Logger,
        loaded: Loaded,
        cacheDirectory: String?,
        cacheInterval: Duration
    ) {
        self.store = store
        self.conninfo = conninfo
        self.log = log
        self.logger = logger
        self.pollInterval = .milliseconds(500)
        self.cacheDirectory = cacheDirectory
        self.cacheInterval = cacheInterval
        self.clusterID = loaded.clusterID
        var status = Status(lastKnownRevision: loaded.revision)
        if loaded.fromCache && loaded.tail.isEmpty { status.cachedRevision = loaded.revision }
        self.status = Mutex(status)
    }

    /// Connects to PostgreSQL with `conninfo` (a libpq connection string or URI, passed to libpq unchanged),
    /// migrates the schema, loads the snapshot and starts following the change log; seeds the bundled dataset when
    /// the cluster is empty and `options.seedIfEmpty` is set.
    ///
    /// With a `cacheDirectory` the node keeps its local cache there (every record at a recent revision, rewritten
    /// every `cacheInterval` while the revision moves, and at close): a start that finds a cache from this cluster
    /// that PostgreSQL's change log can continue loads it and only the changes after it; otherwise it loads every
    /// record from PostgreSQL.
    ///
    /// Throws ``DealStoreError/Code/readOnly`` (UNAVAILABLE) when PostgreSQL cannot be reached: the cache alone is
    /// not trusted without the change log to check it against.
    public static func open(
        conninfo: String,
        cacheDirectory: String? = nil,
        cacheInterval: Duration = .seconds(60),
        options: DealStoreOptions = DealStoreOptions(),
        logger: Logger = Logger(label: "DealCluster")
    ) async throws(DealStoreError) -> DealClusterNode {
        let loaded: Result<Loaded, DealStoreError> = await Self.blocking {
            do throws(DealPostgresError) {
                let connection = try DealPostgresConnection.connect(conninfo, statementTimeout: .seconds(300))
                defer { connection.close() }
                try DealClusterSchema.migrate(connection, logger: logger)
                return .success(try Self.load(connection, cacheDirectory: cacheDirectory, logger: logger))
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
        let contents = try loaded.get()
        let log = DealClusterChangeLog(conninfo: conninfo, logger: logger)
        let store = try DealStore.open(
            replicaOf: log,
            revision: contents.revision,
            organizations: contents.organizations,
            deals: contents.deals,
            options: options,
            logger: logger
        )
        // The changes after the cache go through the one apply path (so they are in the watch history too) before
        // the node serves: it never answers from the older cached version.
        var at = 0
        while at < contents.tail.count {
            let end = min(at + 1000, contents.tail.count)
            try store.applyReplicated(Array(contents.tail[at..<end]))
            at = end
        }
        store.setReplicaCompactedRevision(contents.compacted)
        if contents.fromCache {
            logger.notice(
                "loaded from the node's local cache, then the change log after it",
                metadata: [
                    "cachedRevision": "\(contents.revision)", "changes": "\(contents.tail.count)",
                    "revision": "\(store.revision)",
                ]
            )
        }
        let node = DealClusterNode(
            store: store,
            conninfo: conninfo,
            log: log,
            logger: logger,
            loaded: contents,
            cacheDirectory: cacheDirectory,
            cacheInterval: cacheInterval
        )
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

    /// The cluster's id, its revision and how far its change log is compacted.
    static func clusterState(
        _ connection: DealPostgresConnection
    ) throws(DealPostgresError) -> (id: String, head: UInt64, compacted: UInt64) {
        let row = try connection.execute(
            """
            SELECT c.cluster_id::text, k.revision, c.compacted_revision
            FROM dealstore.cluster c, dealstore.counter k WHERE c.id = 1 AND k.id = 1
            """
        )
        return (
            try row.text(row: 0, column: 0), UInt64(clamping: try row.int64(row: 0, column: 1)),
            UInt64(clamping: try row.int64(row: 0, column: 2))
        )
    }

    /// The local cache and the change log after it when the cache can be trusted, else every record from
    /// PostgreSQL (the reason is logged).
    static func load(
        _ connection: DealPostgresConnection,
        cacheDirectory: String?,
        logger: Logger
    ) throws(DealPostgresError) -> Loaded {
        let cluster = try Self.clusterState(connection)
        if let cacheDirectory {
            var cache: DealClusterCache?
            do {
                cache = try DealClusterCache.load(from: cacheDirectory)
            } catch {
                logger.warning(
                    "cannot use the node's local cache; loading every record from PostgreSQL",
                    metadata: ["error": "\(error)"]
                )
            }
            if let cache {
                if let refusal = try Self.cacheRefusal(cache, cluster: cluster, connection) {
                    logger.notice(
                        "not using the node's local cache; loading every record from PostgreSQL",
                        metadata: ["reason": "\(refusal)"]
                    )
                } else {
                    do throws(DealPostgresError) {
                        var tail: [Dealstore_V1_ChangeEvent] = []
                        var at = cache.revision
                        while at < cluster.head {
                            let events = try DealClusterChangeLog.changes(connection, after: at, limit: 10_000)
                            guard let last = events.last else { break }
                            tail.append(contentsOf: events)
                            at = last.revision
                        }
                        return Loaded(
                            clusterID: cluster.id,
                            revision: cache.revision,
                            organizations: cache.organizations,
                            deals: cache.deals,
                            tail: tail,
                            fromCache: true,
                            compacted: cluster.compacted
                        )
                    } catch  where error.code == .protocolViolation {
                        // Compacted while it was read: the cache cannot be continued after all.
                        logger.notice(
                            "not using the node's local cache; loading every record from PostgreSQL",
                            metadata: ["reason": "\(error.message)"]
                        )
                    }
                }
            }
        }
        let (revision, organizations, deals) = try Self.loadSnapshot(connection)
        return Loaded(
            clusterID: cluster.id,
            revision: revision,
            organizations: organizations,
            deals: deals,
            tail: [],
            fromCache: false,
            compacted: cluster.compacted
        )
    }

    /// Why `cache` cannot be continued from this cluster's change log, or nil when it can.
    static func cacheRefusal(
        _ cache: DealClusterCache,
        cluster: (id: String, head: UInt64, compacted: UInt64),
        _ connection: DealPostgresConnection
    ) throws(DealPostgresError) -> String? {
        if cache.clusterID != cluster.id {
            return "it is from another cluster (\(cache.clusterID); this PostgreSQL holds cluster \(cluster.id))"
        }
        if cache.revision > cluster.head {
            return "it is at revision \(cache.revision), ahead of the cluster's \(cluster.head) (PostgreSQL lost "
                + "commits: restored from a backup, or failed over to an asynchronous standby?)"
        }
        if cache.revision < cluster.compacted {
            return DealClusterChangeLog.compactedMessage(after: cache.revision, compacted: cluster.compacted)
        }
        if cache.revision > 0, cache.changeDigest != 0 {
            let row = try connection.execute(
                "SELECT event FROM dealstore.changes WHERE revision = $1",
                [.int64(Int64(clamping: cache.revision))]
            )
            if !row.rows.isEmpty, DealClusterCache.fnv1a(try row.bytes(row: 0, column: 0) ?? []) != cache.changeDigest {
                return "the change at its revision \(cache.revision) is not the one it was saved after (PostgreSQL's "
                    + "history changed: failed over to an asynchronous standby?)"
            }
        }
        return nil
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
                try self.compactIfDue(open)
                self.saveCacheIfDue(open, force: false)
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
        // A last cache at close, so a restart after a clean stop reads only what was written meanwhile.
        self.saveCacheIfDue(connection, force: true)
        connection?.close()
    }

    /// Runs `dealstore.compact()` when the cluster's `compaction_interval` has passed since this node last did
    /// (one node at a time does the work; the others return at once). Only a lost connection is an error here.
    private func compactIfDue(_ connection: DealPostgresConnection) throws(DealPostgresError) {
        let now = ContinuousClock.now
        guard self.status.withLock({ $0.nextCompaction <= now }) else { return }
        var interval: Duration = .seconds(300)
        do throws(DealPostgresError) {
            let result = try connection.execute("SELECT compacted_revision, deleted FROM dealstore.compact(20000)")
            let compacted = try result.int64(row: 0, column: 0)
            let deleted = try result.int64(row: 0, column: 1)
            // Every node learns the cluster's compaction point here, whichever node did the work: watches from
            // below it are OUT_OF_RANGE, from above it replay dealstore.changes.
            self.store.setReplicaCompactedRevision(UInt64(clamping: compacted))
            if deleted > 0 {
                self.logger.notice(
                    "compacted the change log",
                    metadata: ["deleted": "\(deleted)", "compactedRevision": "\(compacted)"]
                )
            }
            let setting = try connection.execute(
                """
                SELECT (extract(epoch FROM value::interval) * 1000)::bigint FROM dealstore.settings
                WHERE name = 'compaction_interval'
                """
            )
            if !setting.rows.isEmpty {
                interval = .milliseconds(max(100, try setting.int64(row: 0, column: 0)))
            }
            // A full batch: more is due now, not in an interval.
            if deleted >= 20000 { interval = .zero }
        } catch  where !error.isConnectionLoss {
            self.logger.warning("cannot compact the change log", metadata: ["error": "\(error)"])
        }
        self.status.withLock { $0.nextCompaction = now + interval }
    }

    /// Rewrites the local cache when it is older than the store's revision and `cacheInterval` has passed (or
    /// this process has not written one yet), or when `force` is set and anything changed.
    private func saveCacheIfDue(_ connection: DealPostgresConnection?, force: Bool) {
        guard let directory = self.cacheDirectory else { return }
        let revision = self.store.revision
        let now = ContinuousClock.now
        let due = self.status.withLock { status in
            guard status.cachedRevision != revision else { return false }
            return force || status.cachedRevision == nil || now - status.cachedAt >= self.cacheInterval
        }
        guard due else { return }
        let contents = self.store.replicaContents()
        var digest: UInt64 = 0
        if contents.revision > 0, let connection, connection.isOpen,
            let row = try? connection.execute(
                "SELECT event FROM dealstore.changes WHERE revision = $1",
                [.int64(Int64(clamping: contents.revision))]
            ),
            !row.rows.isEmpty, let event = try? row.bytes(row: 0, column: 0)
        {
            digest = DealClusterCache.fnv1a(event)
        }
        let cache = DealClusterCache(
            clusterID: self.clusterID,
            revision: contents.revision,
            changeDigest: digest,
            organizations: contents.organizations,
            deals: contents.deals
        )
        do {
            try cache.save(in: directory)
            self.status.withLock { status in
                status.cachedRevision = contents.revision
                status.cachedAt = now
            }
            self.logger.info("wrote the node's local cache", metadata: ["revision": "\(contents.revision)"])
        } catch {
            // Only a slower next start: keep serving, try again after the interval.
            self.status.withLock { $0.cachedAt = now }
            self.logger.warning("cannot write the node's local cache", metadata: ["error": "\(error)"])
        }
    }

    /// Applies every change after the store's revision, then reports the node serving.
    private func catchUp(_ connection: DealPostgresConnection) throws(DealPostgresError) {
        // Read before the counter: the writer thread applies this node's own writes meanwhile, so a revision read
        // after the query could be newer than the head it returned without anything being lost (that race once
        // stopped every writer of the kill test). Everything applied before the query began is committed, so
        // its head can only be lower when PostgreSQL lost commits.
        let applied = self.store.revision
        let head = UInt64(
            clamping: try connection.execute("SELECT revision FROM dealstore.counter WHERE id = 1").int64(
                row: 0,
                column: 0
            )
        )
        self.status.withLock { $0.lastKnownRevision = head }
        if head < applied {
            // PostgreSQL lost commits this node applied (an asynchronous standby was promoted): its next revisions
            // would be other changes than the ones here. Serving reads of a history the cluster no longer has, or
            // writing on top of it, would be wrong: stop serving until restarted (a restart reloads the snapshot).
            let reason =
                "PostgreSQL is at revision \(head) but this node applied up to \(applied): commits "
                + "were lost (failover to an asynchronous standby?); restart this node to reload from PostgreSQL"
            self.store.setReplicaHealth(.readOnly(reason: reason))
            throw DealPostgresError(code: .protocolViolation, message: reason)
        }
        while self.store.revision < head {
            let events: [Dealstore_V1_ChangeEvent]
            do throws(DealPostgresError) {
                events = try DealClusterChangeLog.changes(connection, after: self.store.revision, limit: 1000)
            } catch  where error.code == .protocolViolation {
                let compacted = try DealClusterChangeLog.compactedRevision(connection)
                guard self.store.revision < compacted else {
                    self.store.setReplicaHealth(.readOnly(reason: error.message))
                    throw error
                }
                // Compacted past this node (it was away longer than the retention): it cannot catch up change by
                // change, so it loads every record again, then tails from there.
                try self.reload(because: error.message)
                continue
            }
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

    /// Loads every record from PostgreSQL again (one REPEATABLE READ transaction, as at start) and replaces the
    /// store's records with them; Health reports NOT_SERVING with `reason` meanwhile, reads are served at the old
    /// revision, writes are refused. On its own connection: the tailer's statement deadline is too short for a
    /// full load.
    private func reload(because reason: String) throws(DealPostgresError) {
        let from = self.store.revision
        let started = ContinuousClock.now
        self.store.setReplicaHealth(
            .readOnly(
                reason: "reloading every record from PostgreSQL: \(reason); reads are served at revision \(from) "
                    + "until the load is done, writes are refused"
            )
        )
        self.logger.warning(
            "behind the change log's compaction point; reloading every record from PostgreSQL",
            metadata: ["revision": "\(from)", "reason": "\(reason)"]
        )
        let connection = try DealPostgresConnection.connect(
            self.conninfo,
            connectTimeout: .seconds(3),
            statementTimeout: .seconds(300)
        )
        defer { connection.close() }
        let cluster = try Self.clusterState(connection)
        guard cluster.id == self.clusterID else {
            let message =
                "PostgreSQL now holds cluster \(cluster.id), not \(self.clusterID) that this node loaded: restart "
                + "the node to load the other cluster"
            self.store.setReplicaHealth(.readOnly(reason: message))
            throw DealPostgresError(code: .protocolViolation, message: message)
        }
        let (revision, organizations, deals) = try Self.loadSnapshot(connection)
        do throws(DealStoreError) {
            try self.store.reloadReplica(revision: revision, organizations: organizations, deals: deals)
        } catch {
            self.store.setReplicaHealth(.readOnly(reason: error.message))
            self.logger.critical("cannot reload from PostgreSQL", metadata: ["error": "\(error)"])
            throw DealPostgresError(code: .protocolViolation, message: error.message, cause: error)
        }
        self.store.setReplicaCompactedRevision(cluster.compacted)
        self.status.withLock { status in
            // The cache on disk is older than the compaction point now: write the new one at the next look.
            status.cachedRevision = nil
            status.lastKnownRevision = max(status.lastKnownRevision, revision)
        }
        self.logger.notice(
            "reloaded every record from PostgreSQL",
            metadata: [
                "from": "\(from)", "revision": "\(revision)", "deals": "\(deals.count)",
                "seconds": "\((ContinuousClock.now - started).components.seconds)",
            ]
        )
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
