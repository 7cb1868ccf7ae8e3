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
}

/// What ``DealReplicationLog/append(_:after:)`` did.
public enum DealAppendOutcome: Sendable, Equatable {
    /// The events are in the log (durable per its configuration) at the revisions they carry.
    case appended
    /// Another writer appended first: the log is at `currentRevision`, nothing was appended.
    case conflict(currentRevision: UInt64)
}
