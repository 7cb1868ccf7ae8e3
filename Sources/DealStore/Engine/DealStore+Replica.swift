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
        var state = DealStoreState()
        state.historyLimit = max(1, options.changeHistoryLimit)
        state.historyInLog = false
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
        // The history before the snapshot is not here: a watch from before it is told so (out of range).
        state.compactedRevision = revision
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
        let woken = try self.state.withLock { state throws(DealStoreError) -> [CheckedContinuation<Bool, Never>] in
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
            guard applied > 0 else { return [] }
            state.durableRevision = state.revision
            // Published under the state lock, so versions go out in revision order whoever applies them (the
            // tailer or the writer thread). Nothing takes the state lock while holding `published`.
            let version = DealVersion(state)
            self.published.withLock { $0 = version }
            return self.publish(&state)
        }
        for waiter in woken { waiter.resume(returning: true) }
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
