import DealModel
import Dispatch
import Foundation
import HashTreeCollections
import Logging
import Synchronization

extension DealStore {
    /// Writes a snapshot of the current state, deletes older snapshots, then compacts the change history as far as
    /// ``DealStoreOptions/historyRetention`` allows.
    ///
    /// The snapshot itself removes no log segment: the segments are the change history (see
    /// ``DealHistoryRetention``). Runs on a thread of its own; reads and writes continue meanwhile. Also taken
    /// automatically every ``DealStoreOptions/snapshotEvery`` records.
    public func snapshot() async throws {
        try await DealBlocking.run { try self.snapshotNow() }
    }

    /// The blocking body of ``snapshot()``; call it only on a thread of its own (it lowers that thread's priority),
    /// never on the committer thread.
    func snapshotNow() throws {
        if self.isReplica {
            throw DealStoreError(
                code: .failedPrecondition,
                message: "this node's records live in PostgreSQL, not in a local log: back up PostgreSQL instead"
            )
        }
        let rotated = DispatchSemaphore(value: 0)
        let rotateError = Mutex<DealStoreError?>(nil)
        let captured = try self.state.withLock {
            state throws(DealStoreError) -> (
                UInt64, [String: Dealstore_V1_Organization], TreeDictionary<String, DealIndexEntry>
            ) in
            if state.closed {
                throw DealStoreError(code: .failedPrecondition, message: "the store is closed")
            }
            if state.snapshotInProgress {
                throw DealStoreError(code: .failedPrecondition, message: "a snapshot is already being written")
            }
            if case .readOnly(let reason) = state.health {
                throw DealStoreError(code: .readOnly, message: "no snapshot while read-only: \(reason)")
            }
            state.snapshotInProgress = true
            state.recordsSinceSnapshot = 0
            // Queued under the lock, so the new segment starts exactly after the snapshot's revision.
            self.committer.enqueue(
                .rotate(firstRevision: state.revision + 1, version: DealVersion(state)) { error in
                    rotateError.withLock { $0 = error }
                    rotated.signal()
                }
            )
            return (state.revision, state.organizations, state.deals)
        }
        defer { self.state.withLock { $0.snapshotInProgress = false } }
        // Sorting and encoding every deal is seconds of CPU at a million deals: on a busy machine it must not
        // take a core from the event loops and the committer (a create's tail), so this thread yields to them.
        DealFileIO.lowerThreadPriority()
        rotated.wait()
        if let error = rotateError.withLock({ $0 }) { throw error }
        let (revision, organizations, deals) = captured
        try DealSnapshotFile.write(
            directory: self.directory,
            revision: revision,
            organizations: organizations,
            deals: deals
        )
        // Only now that the snapshot is durable may the older ones go (recovery reads the newest readable one).
        for name in try DealFileIO.listDirectory(self.directory) {
            if let old = DealRecovery.parse(name, prefix: "snapshot-", suffix: ".snap"), old < revision {
                DealFileIO.remove(self.directory + "/" + name)
            }
        }
        try DealFileIO.syncDirectory(self.directory)
        self.state.withLock { $0.snapshotRevision = max($0.snapshotRevision, revision) }
        self.logger.info("snapshot written", metadata: ["revision": "\(revision)", "deals": "\(deals.count)"])
        let target = try self.retentionTarget(now: Date())
        if target > 0 { _ = try self.compactNow(through: target) }
    }

    /// Compacts the change history through `revision`: records durably that changes at or below it are no longer
    /// served (a watch from below it answers ``DealStoreError/Code/outOfRange``), then removes the log segments
    /// that hold only such changes. Returns the compacted revision (``compactedRevision``).
    ///
    /// Never compacts past the newest snapshot (the log restores what came after it): a larger `revision` is
    /// lowered to the snapshot's. Compacting through a revision at or below ``compactedRevision`` changes
    /// nothing. Automatic compaction after every snapshot applies ``DealStoreOptions/historyRetention``.
    @discardableResult
    public func compactHistory(through revision: UInt64) async throws -> UInt64 {
        try await DealBlocking.run { try self.compactNow(through: revision) }
    }

    /// The blocking body of ``compactHistory(through:)``.
    func compactNow(through requested: UInt64) throws -> UInt64 {
        let (target, begun) = try self.state.withLock { state throws(DealStoreError) -> (UInt64, Bool) in
            if state.closed { throw DealStoreError(code: .failedPrecondition, message: "the store is closed") }
            let target = min(requested, state.snapshotRevision)
            if target <= state.compactedRevision || state.compactionInProgress {
                return (state.compactedRevision, false)
            }
            state.compactionInProgress = true
            return (target, true)
        }
        guard begun else { return target }
        defer { self.state.withLock { $0.compactionInProgress = false } }
        // Recorded first: a crash after this line leaves segments the record already covers, which the next
        // compaction removes; a crash before it changes nothing.
        try DealCompactionRecord.write(directory: self.directory, revision: target)
        self.state.withLock { $0.compactedRevision = max($0.compactedRevision, target) }
        let segments = try Self.segments(in: self.directory)
        var removed = 0
        // A segment goes when the next one starts at or below target + 1: every record it holds is compacted. The
        // last segment (the one written to) always stays.
        for (index, segment) in segments.enumerated().dropLast() where segments[index + 1].first <= target + 1 {
            DealFileIO.remove(self.directory + "/" + segment.name)
            removed += 1
        }
        try DealFileIO.syncDirectory(self.directory)
        self.logger.info(
            "change history compacted",
            metadata: ["compacted_revision": "\(target)", "segments_removed": "\(removed)"]
        )
        return target
    }

    /// The log segments in `directory`, oldest first.
    static func segments(in directory: String) throws -> [(first: UInt64, name: String)] {
        try DealFileIO.listDirectory(directory).compactMap { name in
            DealRecovery.parse(name, prefix: "wal-", suffix: ".log").map { (first: $0, name: name) }
        }.sorted { $0.first < $1.first }
    }

    /// How far ``DealStoreOptions/historyRetention`` lets the history be compacted now (0: not at all).
    func retentionTarget(now: Date) throws -> UInt64 {
        let retention = self.options.historyRetention
        let revision = self.state.withLock { $0.revision }
        var target: UInt64 = 0
        if let keep = retention.revisions, revision > keep { target = revision - keep }
        if let age = retention.age {
            let cutoff = now.addingTimeInterval(-age.seconds)
            let segments = try Self.segments(in: self.directory)
            // A segment's last write is its newest record's time: once that is older than the cutoff, so is
            // everything in it, up to the next segment's first revision.
            for (index, segment) in segments.enumerated().dropLast() {
                let attributes = try? FileManager.default.attributesOfItem(atPath: self.directory + "/" + segment.name)
                guard let modified = attributes?[.modificationDate] as? Date, modified < cutoff else { break }
                target = max(target, segments[index + 1].first - 1)
            }
        }
        return target
    }
}
