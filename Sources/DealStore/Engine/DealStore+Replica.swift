public import DealModel
import HashTreeCollections
public import Logging
import SwiftProtobuf
import Synchronization

extension DealStore {
    /// Opens a store that is a replica of a system of record (a `DealReplicationLog`, PostgreSQL in DealCluster),
    /// starting from a consistent snapshot of it at `revision`.
    ///
    /// Nothing is written to a local log: writes are prepared against the replica's state, appended to `log`, and
    /// answered once applied here (read-your-writes on this node); changes made through other nodes arrive through
    /// ``applyReplicated(_:)``, which the caller feeds from the log in revision order. Watchers and readers see the
    /// same revisions on every replica. `deals` are the stored deals in protobuf binary form (meta included).
    public static func open(
        replicaOf log: any DealReplicationLog,
        revision: UInt64,
        organizations: [Dealstore_V1_Organization],
        deals: [[UInt8]],
        options: DealStoreOptions = DealStoreOptions(),
        logger: Logger = Logger(label: "DealStore")
    ) throws(DealStoreError) -> DealStore {
        var state = try Self.replicaState(revision: revision, organizations: organizations, deals: deals)
        state.historyLimit = max(1, options.changeHistoryLimit)
        // With a log that retains history, older changes are read from it (the in-memory history only drops);
        // without, the history before the snapshot is not here and a watch from before it is told so.
        state.historyInLog = log.retainsHistory
        let replica = DealReplica(log: log)
        // A node's amounts are normalised with the bundled table: the operator's file lives in a local data directory.
        let store = DealStore(
            directory: "",
            options: options,
            logger: logger,
            state: state,
            fxTable: try DealFXRates.bundledTable(),
            replica: replica
        )
        replica.start(store: store)
        logger.info(
            "replica store opened",
            metadata: [
                "revision": "\(revision)", "deals": "\(state.deals.count)",
                "organizations": "\(state.organizations.count)",
            ]
        )
        return store
    }

    /// A replica's state holding `organizations` and `deals` at `revision`, nothing in its history before it.
    static func replicaState(
        revision: UInt64,
        organizations: [Dealstore_V1_Organization],
        deals: [[UInt8]]
    ) throws(DealStoreError) -> DealStoreState {
        var state = DealStoreState()
        for organization in organizations { state.putOrganization(organization) }
        for bytes in deals {
            do {
                let deal = try Dealstore_V1_Deal(serializedBytes: bytes)
                state.putDeal(DealIndexEntry(deal: deal, bytes: bytes))
            } catch {
                throw DealStoreError(
                    code: .dataLoss,
                    message: "a deal in the system of record does not decode as a Deal message",
                    cause: error
                )
            }
        }
        state.revision = revision
        state.durableRevision = revision
        state.publishedRevision = revision
        state.compactedRevision = revision
        return state
    }

    /// Replaces a replica's records with a newer consistent snapshot of its system of record, at `revision`, and
    /// publishes it: for a replica that fell behind the log's compaction point and cannot catch up change by change.
    ///
    /// Readers see the old version until the new one is published (one swap, as for any revision). Watchers keep
    /// their place: one behind `revision` continues from the log's retained history
    /// (``DealReplicationLog/history(after:upTo:limit:)``) or, when that was compacted, ends with
    /// ``DealStoreError/Code/outOfRange``, never with a gap. Throws ``DealStoreError/Code/failedPrecondition`` when
    /// `revision` is below the replica's (a snapshot never moves it back), and ignored by a local store.
    public func reloadReplica(
        revision: UInt64,
        organizations: [Dealstore_V1_Organization],
        deals: [[UInt8]]
    ) throws(DealStoreError) {
        guard self.isReplica else { return }
        // Built off the lock: decoding every deal takes a while, and readers and the tailer keep going meanwhile.
        var fresh = try Self.replicaState(revision: revision, organizations: organizations, deals: deals)
        let (woken, published) = try self.state.withLock {
            state throws(DealStoreError) -> ([CheckedContinuation<Bool, Never>], UInt64) in
            guard revision >= state.revision else {
                throw DealStoreError(
                    code: .failedPrecondition,
                    message: "the snapshot is at revision \(revision), behind this replica's \(state.revision)"
                )
            }
            fresh.historyLimit = state.historyLimit
            fresh.historyInLog = state.historyInLog
            fresh.health = state.health
            fresh.closed = state.closed
            fresh.watchers = state.watchers
            fresh.nextWatcherID = state.nextWatcherID
            fresh.organizationsVersion = state.organizationsVersion &+ 1
            // What the log retains is set again by the caller (setReplicaCompactedRevision); until then a watcher
            // between the old and the new revision reads it from the log, which answers OUT_OF_RANGE if it is gone.
            fresh.compactedRevision = state.historyInLog ? min(state.compactedRevision, revision) : revision
            fresh.publishedRevision = state.publishedRevision
            state = fresh
            self.published.withLock { $0 = DealVersion(state) }
            return (self.publish(&state), state.publishedRevision)
        }
        for waiter in woken { waiter.resume(returning: true) }
        self.revisionPublished(published)
    }

    /// Sets how far the replica's system of record has compacted its change log, when the log retains history
    /// (``DealReplicationLog/retainsHistory``): a watch from any revision at or above it is served, replaying what
    /// is older than the in-memory history from the log; below it, ``DealStoreError/Code/outOfRange``. Never above
    /// the replica's revision. Ignored by a local store and by a replica whose log keeps no history.
    public func setReplicaCompactedRevision(_ revision: UInt64) {
        guard let replica = self.replica, replica.log.retainsHistory else { return }
        self.state.withLock { $0.compactedRevision = min(revision, $0.revision) }
    }

    /// The replica's records at its published revision, in the form ``open(replicaOf:revision:organizations:deals:options:logger:)``
    /// takes them (deals in protobuf binary form): what a cluster node keeps as its local cache for fast restarts.
    /// Read from one immutable published version, off the state lock.
    public func replicaContents() -> (revision: UInt64, organizations: [Dealstore_V1_Organization], deals: [[UInt8]]) {
        let version = self.version
        return (version.revision, Array(version.organizations.values), version.deals.values.map(\.bytes))
    }

    /// Whether this store is a replica of a system of record (see ``open(replicaOf:revision:organizations:deals:options:logger:)``).
    public var isReplica: Bool { self.replica != nil }

    /// Seeds the bundled dataset into a replica whose system of record is empty (revision 0).
    ///
    /// Safe from several replicas at once: each import is prepared against the revision it read, so only one
    /// replica's import is appended and the others find every record already there.
    public func seedReplicaIfEmpty() async throws(DealStoreError) {
        guard self.isReplica, self.revision == 0, self.options.seedIfEmpty else { return }
        try await self.loadSeed()
    }

    /// Applies changes from the system of record, in revision order, and publishes the result to readers and
    /// watchers: the *apply* of the write path (see "One write path" in ``DealStore``).
    ///
    /// Events at or below the store's revision are skipped (a node applies its own writes when appended, and may
    /// then read them from the log again). Throws ``DealStoreError/Code/dataLoss`` when an event is missing
    /// between the store's revision and the first new one: the caller must reload a snapshot.
    public func applyReplicated(_ events: [Dealstore_V1_ChangeEvent]) throws(DealStoreError) {
        let (woken, published) = try self.state.withLock {
            state throws(DealStoreError) -> ([CheckedContinuation<Bool, Never>], UInt64?) in
            var applied = 0
            for event in events where event.revision > state.revision {
                guard event.revision == state.revision + 1 else {
                    throw DealStoreError(
                        code: .dataLoss,
                        message: "change \(event.revision) arrived after \(state.revision): the changes between "
                            + "are missing (compacted from the change log?); restart the node to reload a snapshot"
                    )
                }
                do {
                    try state.apply(event)
                } catch let error as DealStoreError {
                    throw error
                } catch {
                    throw DealStoreError(
                        code: .dataLoss,
                        message: "change \(event.revision) from the system of record does not apply",
                        cause: error
                    )
                }
                applied += 1
            }
            guard applied > 0 else { return ([], nil) }
            state.durableRevision = state.revision
            // Published under the state lock, so versions go out in revision order whoever applies them (the
            // tailer or the writer thread). Nothing takes the state lock while holding `published`.
            let version = DealVersion(state)
            self.published.withLock { $0 = version }
            return (self.publish(&state), state.publishedRevision)
        }
        for waiter in woken { waiter.resume(returning: true) }
        // `min-revision` waits (DealServer's gated calls) are woken here as after a local commit: without it a read
        // on a node that had not yet applied the revision waited for its whole deadline.
        if let published { self.revisionPublished(published) }
    }

    /// Sets what Health reports for a replica (the cluster backend marks it read-only while PostgreSQL is out of
    /// reach, with the reason and the lag, and serving again once it has caught up). Ignored by a local store.
    public func setReplicaHealth(_ health: DealStoreHealth) {
        guard self.isReplica else { return }
        self.state.withLock { $0.health = health }
    }

    /// Queues a write of a replica store (called by `submit`).
    func submitReplicated<T: Sendable>(
        _ replica: DealReplica,
        executor: (any DealCompletionExecutor)?,
        _ body: @escaping @Sendable (inout DealStoreState, inout DealWriteBatch) throws(DealStoreError) -> T,
        completion: @escaping @Sendable (Result<T, DealStoreError>) -> Void
    ) {
        let refusal = self.state.withLock { $0.writeRefusal }
        if let refusal {
            completion(.failure(refusal))
            return
        }
        let write = DealReplica.Write(executor: executor) { state, batch in
            let result: Result<T, DealStoreError>
            let before = batch.events.count
            do throws(DealStoreError) {
                result = .success(try body(&state, &batch))
            } catch {
                result = .failure(error)
            }
            guard case .success(let value) = result, batch.events.count > before else {
                return .decided { completion(result) }
            }
            return .wrote { error in completion(error.map { .failure($0) } ?? .success(value)) }
        }
        if !replica.enqueue(write) {
            completion(.failure(.storeClosed))
        }
    }

    /// Prepares `writes` against a scratch copy of the applied state, appends their events to the system of
    /// record, applies them, and completes every write (on the replica thread, or through its executor).
    func processReplicated(_ writes: [DealReplica.Write], replica: DealReplica) {
        var attempt = 0
        while true {
            attempt += 1
            let time = Self.nowMicros()
            let (base, events, prepared) = self.state.withLock { state in
                // O(1): the maps are persistent. The history and watchers are the node's, not the write's.
                var scratch = state
                scratch.history = []
                scratch.watchers = [:]
                var batch = DealWriteBatch(timeMicros: time, collectsEvents: true)
                var prepared: [DealReplica.Prepared] = []
                prepared.reserveCapacity(writes.count)
                for write in writes {
                    let saved = scratch
                    let mark = batch.events.count
                    let outcome = write.prepare(&scratch, &batch)
                    if case .decided = outcome, batch.events.count > mark {
                        // A refused write that emitted before throwing: none of its changes may stay.
                        scratch = saved
                        batch.events.removeSubrange(mark...)
                    }
                    prepared.append(outcome)
                }
                return (state.revision, batch.events, prepared)
            }
            if events.isEmpty {
                Self.complete(prepared, writes: writes, error: nil)
                return
            }
            let outcome: DealAppendOutcome
            do throws(DealStoreError) {
                outcome = try replica.log.append(events, after: base)
            } catch {
                Self.complete(prepared, writes: writes, error: error)
                return
            }
            switch outcome {
            case .appended:
                do throws(DealStoreError) {
                    try self.applyReplicated(events)
                    Self.complete(prepared, writes: writes, error: nil)
                } catch {
                    // Appended but not applicable here: the node is broken; the writes are in the log.
                    self.logger.critical(
                        "cannot apply the node's own appended changes",
                        metadata: ["error": "\(error)"]
                    )
                    Self.complete(prepared, writes: writes, error: error)
                }
                return
            case .conflict(let current):
                guard attempt < DealReplica.maximumAttempts else {
                    let error = DealStoreError(
                        code: .aborted,
                        message: "other nodes kept writing first (\(attempt) attempts); retry the write"
                    )
                    Self.complete(prepared, writes: writes, error: error)
                    return
                }
                do throws(DealStoreError) {
                    try replica.log.catchUp(self, to: current)
                } catch {
                    Self.complete(prepared, writes: writes, error: error)
                    return
                }
            }
        }
    }

    private static func complete(
        _ prepared: [DealReplica.Prepared],
        writes: [DealReplica.Write],
        error: DealStoreError?
    ) {
        for (outcome, write) in zip(prepared, writes) {
            switch outcome {
            case .decided(let body):
                body()
            case .wrote(let body):
                if let executor = write.executor {
                    executor.enqueue(DealCompletionBatch(completions: [body], error: error))
                } else {
                    body(error)
                }
            }
        }
    }
}
