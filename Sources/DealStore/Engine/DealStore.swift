import DealModel
public import Foundation
public import Logging
import SwiftProtobuf
import Synchronization

/// An in-memory store of deals and organizations, made durable by a write-ahead log and snapshots.
///
/// ## Records are the protobuf messages
/// The store keeps `DealModel`'s generated messages as its records, as etcd keeps its protobuf types: there is no
/// second model to map to and from, the wire and the log share one schema (a log record is a serialized
/// `Dealstore_V1_ChangeEvent`), and `DealModel` imports nothing about networking, so the store does not either.
/// In memory a deal is kept as its serialized bytes plus a small index entry (see the benchmark figures in the
/// module documentation), which keeps a million deals well under 2 KB each.
///
/// ## Concurrency
/// `DealStore` is a `final class` whose mutable state lives in `Synchronization.Mutex`es, so the compiler proves
/// the absence of data races and the type is `Sendable` without `@unchecked`. Two states, as in an MVCC database:
///
/// - the writer's working state (``DealStoreState``, in `state`): writes validate and apply to it under its lock,
///   assign the next global revision, take a version of it in O(1) (``DealVersion``: persistent maps) and queue the
///   log record with that version for the committer thread;
/// - the published version (in `published`): the latest version whose log records are durable per the
///   ``DealFsyncPolicy``. The committer publishes a batch's version after its `fdatasync` and only then completes
///   the batch's writes, so a writer reads its own write once told of it, and no reader ever sees a write that a
///   crash could lose.
///
/// Reads are synchronous: they take the published version (one retain under a lock held for nothing else, never
/// the writer's lock) and work on it without any lock, so an event loop answers a read without a thread hop, and a
/// long summary or export neither blocks nor is blocked by writers. Every read is served at one revision, the
/// version's. If the log's write or `fdatasync` fails, the working state goes back to the published version before
/// any caller of the failed batch is told, and the store turns read-only.
///
/// ## One write path, two backends
/// Every write is a body run under the state lock that validates the request against a state, emits its change
/// events (``DealWriteBatch``) and returns the answer; applying an event to a state is ``DealStoreState/apply(_:)``.
/// The local backend runs the body on the working state and logs the events through the committer. A replica
/// (``open(replicaOf:revision:organizations:deals:options:logger:)``, the cluster backend) runs the same body on a
/// scratch copy of its state at its applied revision (the *prepare*: a version and a request give the events and
/// the answer, the store itself is untouched), appends the events to the system of record if it is still at that
/// revision, and then applies them with ``applyReplicated(_:)`` (the *apply*), the path every node also takes for
/// changes that other nodes made.
///
/// Call ``close()`` when done: the committer thread keeps the store alive until then.
public final class DealStore: Sendable {
    let directory: String
    let options: DealStoreOptions
    let logger: Logger
    let state: Mutex<DealStoreState>
    /// The latest durable version, which every read is served from (see "Concurrency" above).
    let published: Mutex<DealVersion>
    /// Versions a ListDeals page token was cut from, kept for a while so that paging reads one revision.
    let pinned: Mutex<DealPinnedVersions>
    /// Callers waiting for a revision to be published (``waitForRevision(_:onReached:)``).
    let revisionWaiters: Mutex<DealRevisionWaiters>
    let committer: DealCommitter
    /// The exchange rates amounts are normalised with (``DealFXRates``): read at open, replaced whole by
    /// ``importFXRates(csv:source:retrieved:label:validateOnly:)`` (Dataset/DealStore+FXImport.swift).
    let fxTables: Mutex<DealFXTable>
    /// Held by an FX import while it writes its file (one import at a time, in order), apart from ``fxTables`` so
    /// that readers never wait for a sync.
    let fxImports = Mutex(())
    /// The FX table in use now: each query takes it once and converts its whole answer with it.
    var fxTable: DealFXTable { self.fxTables.withLock { $0 } }
    /// Set when the store is a replica of a system of record (``open(replicaOf:revision:organizations:deals:options:logger:)``):
    /// writes go there instead of to the local log, and changes come back through ``applyReplicated(_:)``.
    let replica: DealReplica?

    init(
        directory: String,
        options: DealStoreOptions,
        logger: Logger,
        state: DealStoreState,
        fxTable: DealFXTable,
        replica: DealReplica? = nil
    ) {
        self.directory = directory
        self.fxTables = Mutex(fxTable)
        self.options = options
        self.logger = logger
        var state = state
        // A trim of the in-memory history hands its events to the writer to release off the lock (recovery, which
        // builds the state, frees them in place).
        state.retiresHistory = true
        self.state = Mutex(state)
        self.published = Mutex(DealVersion(state))
        self.pinned = Mutex(DealPinnedVersions())
        self.revisionWaiters = Mutex(DealRevisionWaiters())
        self.replica = replica
        self.committer = DealCommitter(
            directory: directory,
            policy: options.fsyncPolicy,
            segmentSize: options.segmentSize,
            logger: logger,
            dataSync: options.logDataSync
        )
    }

    /// Opens (creating if needed) the store in `directory`: loads the newest valid snapshot, replays the log, and
    /// seeds the bundled dataset into an empty store when `options.seedIfEmpty` is set.
    ///
    /// Throws ``DealStoreError/Code/dataLoss`` when the log is corrupt before its end; the message names the file
    /// and offset and how to repair (``repair(directory:logger:)``). A torn record at the very end of the log (a
    /// crash during a write) is cut off with a warning.
    public static func open(
        directory: String,
        options: DealStoreOptions = DealStoreOptions(),
        logger: Logger = Logger(label: "DealStore")
    ) async throws -> DealStore {
        let recovered: DealRecovery.Result
        let clock = ContinuousClock()
        let recoveryStarted = clock.now
        do {
            recovered = try await DealBlocking.run {
                // The heap grows in large steps while a million deals are allocated (see DealHeapTuning).
                try DealHeapTuning.whileRecovering {
                    try DealRecovery.recover(
                        directory: directory,
                        mode: .open,
                        historyLimit: options.changeHistoryLimit,
                        logger: logger
                    )
                }
            }
        } catch let error as DealStoreError {
            throw error
        } catch {
            throw DealStoreError(code: .internal, message: "cannot open the deal store in \(directory)", cause: error)
        }
        let fxTable = try DealFXRates.load(directory: directory)
        let store = DealStore(
            directory: directory,
            options: options,
            logger: logger,
            state: recovered.state,
            fxTable: fxTable
        )
        do {
            let append = recovered.appendSegment ?? recovered.state.revision + 1
            try store.committer.openSegment(firstRevision: append)
        } catch {
            throw DealStoreError(
                code: .internal,
                message: "cannot open the write-ahead log in \(directory)",
                cause: error
            )
        }
        store.committer.start(store: store)
        logger.info(
            "deal store opened",
            metadata: [
                "directory": "\(directory)", "revision": "\(recovered.state.revision)",
                "deals": "\(recovered.state.deals.count)", "organizations": "\(recovered.state.organizations.count)",
                "recovery_s": "\(Self.rounded((clock.now - recoveryStarted).seconds))",
                "snapshot_load_s": "\(Self.rounded(recovered.report.snapshotSeconds))",
                "log_records": "\(recovered.report.records)",
            ]
        )
        if recovered.isNew && options.seedIfEmpty {
            try await store.loadSeed()
        }
        return store
    }

    /// Seconds to the millisecond, for the open log line.
    private static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    /// Opens the store in the directory at `directory` (a file URL); see ``open(directory:options:logger:)-(String,_,_)``.
    public static func open(
        directory: URL,
        options: DealStoreOptions = DealStoreOptions(),
        logger: Logger = Logger(label: "DealStore")
    ) async throws -> DealStore {
        try await Self.open(directory: directory.path, options: options, logger: logger)
    }

    /// Syncs the log and stops the committer thread. Later writes fail; reads keep working from memory.
    public func close() async throws {
        let alreadyClosed = self.state.withLock { state in
            let was = state.closed
            state.closed = true
            return was
        }
        if alreadyClosed { return }
        // Subscriptions end (keeping their cursors): a waiting next() returns no events, later ones find them ended.
        let waiters = self.state.withLock { state in
            let waiters = state.watchers.values.compactMap(\.waiter)
            for id in Array(state.watchers.keys) {
                state.watchers[id]?.ended = true
                state.watchers[id]?.waiter = nil
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: false) }
        if let replica = self.replica {
            // No local log: the replica's writer thread finishes the writes it holds and stops.
            replica.stop()
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.state.withLock { state in
                self.committer.enqueue(
                    .close(version: DealVersion(state)) { error in
                        if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                    }
                )
            }
        }
    }

    /// The revision reads are served at: that of the latest durable write (0 for an empty store).
    public var revision: UInt64 { self.version.revision }

    /// The latest published (durable) version: one retain under the `published` lock, never the writer's.
    var version: DealVersion { self.published.withLock { $0 } }

    /// Changes at or below this revision are no longer available from ``changes(after:limit:)`` or ``watch(from:filter:)``.
    public var compactedRevision: UInt64 { self.state.withLock { $0.compactedRevision } }

    /// The number of stored deals.
    public var dealCount: Int { self.version.deals.count }

    /// The number of stored organizations.
    public var organizationCount: Int { self.version.organizations.count }

    /// Whether the store accepts writes; the server's Health service reports this.
    public var health: DealStoreHealth { self.state.withLock { $0.health } }

    // MARK: Committer callbacks (committer thread)

    /// Takes the committer's queue together with the version of the store after its last write: under the state
    /// lock, where every write is applied and queued, so the version holds exactly the queued writes.
    ///
    /// Why here and not per write: a version taken after every write would make the next write copy the paths it
    /// changes (the version shares them); taken once per commit batch, a batch's writes copy each path once.
    func takeQueuedWork() -> ([DealCommitter.Work], DealVersion?) {
        self.state.withLock { state in
            let items = self.committer.takeQueued()
            return (items, items.isEmpty ? nil : DealVersion(state))
        }
    }

    /// Called before the failed batch's calls are completed: by the time a caller hears of the failure, its
    /// write (and every later one, none of which can be durable now) is gone from the working state too; readers
    /// never saw them (they read the published version).
    func committerFailed(_ error: DealStoreError) {
        let durable = self.version
        let wasServing = self.state.withLock { state in
            state.rollBack(to: durable)
            guard case .serving = state.health else { return false }
            state.health = .readOnly(reason: error.message)
            return true
        }
        if wasServing {
            self.logger.critical("deal store is now read-only", metadata: ["error": "\(error)"])
        }
    }

    /// Publishes `version` (the state after the durable batch ending at `revision`) to readers and watchers.
    ///
    /// Returns the version it replaced, for the committer to release after it has answered the batch's writers:
    /// when no reader holds it, releasing it frees every node the batch's writes replaced, and doing that inside
    /// the `published` lock made every reader wait for it (and, before the answers, every writer of the batch).
    func committerDurable(upTo revision: UInt64, records: Int, version: DealVersion) -> DealVersion {
        // The swap is the only write of `published`; the old version lives on while a reader holds it.
        let replaced = self.published.withLock { published in
            let old = published
            published = version
            return old
        }
        let (woken, snapshotDue) = self.state.withLock { state -> ([CheckedContinuation<Bool, Never>], Bool) in
            state.durableRevision = max(state.durableRevision, revision)
            state.recordsSinceSnapshot += records
            let woken = self.publish(&state)
            let due =
                self.options.snapshotEvery > 0 && state.recordsSinceSnapshot >= self.options.snapshotEvery
                && !state.snapshotInProgress && !state.closed
            return (woken, due)
        }
        // Outside the lock: a woken subscriber reads its next batch itself, so publishing costs a writer nothing
        // per unread event.
        for waiter in woken { waiter.resume(returning: true) }
        self.revisionPublished(version.revision)
        if snapshotDue {
            let thread = Thread { [self] in
                do {
                    try self.snapshotNow()
                } catch {
                    self.logger.error("automatic snapshot failed", metadata: ["error": "\(error)"])
                }
            }
            thread.name = "DealStore.snapshot"
            thread.start()
        }
        return replaced
    }
}

/// Runs blocking work (file I/O, recovery) on a thread of its own so that it never occupies a thread of Swift's
/// cooperative pool or an event loop.
enum DealBlocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = "DealStore.blocking"
            thread.start()
        }
    }
}
