/// How much change history the log segments keep for ``DealStore/watch(from:filter:)`` and
/// ``DealStore/changes(after:limit:)`` (see ``DealStoreOptions/historyRetention``).
///
/// Snapshots no longer drop history: the segments stay until a compaction (``DealStore/compactHistory(through:)``,
/// or the automatic one after every snapshot that applies these limits) records a new oldest retained revision and
/// removes the segments wholly at or below it. Each configured limit can compact: a revision is compacted once it
/// is outside any of them. Nothing a snapshot does not cover is ever compacted (the log is what restores it).
public struct DealHistoryRetention: Sendable, Hashable {
    /// Keep at least the latest this many revisions (`nil`: no count limit).
    public var revisions: UInt64?
    /// Keep changes younger than this (`nil`: no age limit). Judged per log segment by the time of its last write,
    /// so a segment goes once everything in it is older.
    public var age: Duration?

    /// Creates a retention; the default keeps the latest 1,000,000 revisions, whatever their age.
    public init(revisions: UInt64? = 1_000_000, age: Duration? = nil) {
        self.revisions = revisions
        self.age = age
    }

    /// Keeps everything until an explicit ``DealStore/compactHistory(through:)``.
    public static var unlimited: Self { Self(revisions: nil, age: nil) }
}
