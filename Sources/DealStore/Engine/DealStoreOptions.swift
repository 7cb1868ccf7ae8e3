/// When the write-ahead log is flushed to stable storage.
public enum DealFsyncPolicy: Sendable, Hashable {
    /// Every write is acknowledged only after an `fdatasync` covering it (group commit shares one among concurrent
    /// writers). The default: an acknowledged write survives power loss.
    case always
    /// Writes are acknowledged once written to the OS; the log is synced at most this many seconds later. A crash
    /// of the machine can lose the last interval; a crash of the process loses nothing.
    case batch(interval: Double)
    /// Never sync (except at rotation and close). For tests and bulk loads only.
    case none
}

/// How a ``DealStore`` is opened.
public struct DealStoreOptions: Sendable {
    /// When the log is synced; `.always` by default.
    public var fsyncPolicy: DealFsyncPolicy
    /// A log segment is closed and a new one started once it exceeds this many bytes (64 MiB by default).
    public var segmentSize: Int
    /// A snapshot is taken automatically after this many logged records (0 disables; 100,000 by default).
    public var snapshotEvery: Int
    /// Load the bundled dataset (`seed.jsonl`) when the directory holds no store yet.
    public var seedIfEmpty: Bool
    /// How many recent change events are kept in memory for ``DealStore/changes(after:limit:)`` and watchers; older
    /// revisions are compacted.
    public var changeHistoryLimit: Int
    /// Replaces the log's `fdatasync` (internal: tests inject a failing disk through `@testable import`).
    var logDataSync: (@Sendable (Int32, String) throws(DealIOError) -> Void)?

    /// Creates options; every parameter has the documented default.
    public init(
        fsyncPolicy: DealFsyncPolicy = .always,
        segmentSize: Int = 64 << 20,
        snapshotEvery: Int = 100_000,
        seedIfEmpty: Bool = true,
        changeHistoryLimit: Int = 10_000
    ) {
        self.fsyncPolicy = fsyncPolicy
        self.segmentSize = segmentSize
        self.snapshotEvery = snapshotEvery
        self.seedIfEmpty = seedIfEmpty
        self.changeHistoryLimit = changeHistoryLimit
    }
}

/// Whether the store accepts writes.
public enum DealStoreHealth: Sendable, Equatable {
    /// Reads and writes are served.
    case serving
    /// A write or fsync failed: reads are served from memory, writes fail with ``DealStoreError/Code/readOnly``.
    /// Restart the daemon after fixing the cause (disk full, I/O error); recovery replays what reached the disk.
    case readOnly(reason: String)
}
