public import DealModel

/// The system of record a replica ``DealStore`` writes through (DealCluster's PostgreSQL change log).
///
/// The store calls both methods on its replica writer thread, one at a time, and they may block (network round
/// trips): never from an event loop. The store knows nothing of how the log is kept; the log knows nothing of the
/// store's state beyond revisions and change events.
public protocol DealReplicationLog: Sendable {
    /// Appends `events` (revisions `base + 1`, `base + 2`… in order) atomically, but only if the log's last
    /// revision is still `base`; otherwise appends nothing and answers ``DealAppendOutcome/conflict(currentRevision:)``.
    ///
    /// Throws a ``DealStoreError`` with code ``DealStoreError/Code/readOnly`` (UNAVAILABLE on the wire) when the
    /// log cannot be reached; the message says whether the outcome is unknown.
    func append(_ events: [Dealstore_V1_ChangeEvent], after base: UInt64) throws(DealStoreError) -> DealAppendOutcome

    /// Brings `store` up to at least `revision` (with ``DealStore/applyReplicated(_:)``) before returning: called
    /// after a conflict, so that the next attempt is prepared against the state that won.
    func catchUp(_ store: DealStore, to revision: UInt64) throws(DealStoreError)

    /// Whether ``history(after:upTo:limit:)`` can serve changes older than the replica's in-memory history (then
    /// a watch from any revision after ``DealStore/setReplicaCompactedRevision(_:)`` is served).
    var retainsHistory: Bool { get }

    /// The retained changes with revisions above `revision` and at most `upTo`, in order and contiguous from
    /// `revision + 1`, at most `limit`: what a watch from before the replica's in-memory history replays. Called on
    /// a thread that may block, never under a store lock. Throws ``DealStoreError/Code/outOfRange`` when the change
    /// at `revision + 1` is compacted from the log.
    func history(after revision: UInt64, upTo: UInt64, limit: Int) throws(DealStoreError) -> [Dealstore_V1_ChangeEvent]
}

extension DealReplicationLog {
    /// A log keeps no history by default: a watch reaches back only as far as the replica's in-memory history.
    public var retainsHistory: Bool { false }

    /// Nothing is retained (see ``retainsHistory``).
    public func history(
        after revision: UInt64,
        upTo: UInt64,
        limit: Int
    ) throws(DealStoreError) -> [Dealstore_V1_ChangeEvent] {
        []
    }
}

/// What ``DealReplicationLog/append(_:after:)`` did.
public enum DealAppendOutcome: Sendable, Equatable {
    /// The events are in the log (durable per its configuration) at the revisions they carry.
    case appended
    /// Another writer appended first: the log is at `currentRevision`, nothing was appended.
    case conflict(currentRevision: UInt64)
}
