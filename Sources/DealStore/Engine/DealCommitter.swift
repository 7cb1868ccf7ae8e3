import Dispatch
import Foundation
import Logging
import Synchronization

/// The log writer: one dedicated thread that appends queued records to the current segment and syncs them, so that
/// concurrent writers share one `fdatasync` (group commit) and no caller's thread ever blocks on the disk.
///
/// Callers enqueue under the store's state lock, so the queue is in revision order. The thread takes everything
/// queued, writes it with one `write`, syncs once per the policy, then completes every item of the batch: items
/// submitted with a ``DealCompletionExecutor`` go to it as one ``DealCompletionBatch`` per executor (one thread hop
/// per event loop and batch instead of one per call), the others run on this thread. After a
/// write or sync error it completes every later item with ``DealStoreError/Code/readOnly`` and never writes again:
/// after a failed fsync the kernel may have dropped the dirty pages, so retrying could acknowledge lost data.
final class DealCommitter: Sendable {
    enum Work: Sendable {
        /// Log records (framed) ending at `lastRevision`.
        case write(
            bytes: [UInt8],
            records: Int,
            lastRevision: UInt64,
            executor: (any DealCompletionExecutor)?,
            completion: @Sendable (DealStoreError?) -> Void
        )
        /// Start a new segment whose first revision will be `firstRevision`; `version` is the store as of every
        /// write queued before (published once they are durable).
        case rotate(firstRevision: UInt64, version: DealVersion, completion: @Sendable (DealStoreError?) -> Void)
        /// Sync and stop; `version` as for `rotate`.
        case close(version: DealVersion, completion: @Sendable (DealStoreError?) -> Void)
    }

    private struct Queue: Sendable {
        var items: [Work] = []
    }

    /// State touched only by the committer thread; in a mutex only to satisfy Sendable (it is never contended).
    private struct Segment: Sendable {
        var fd: Int32 = -1
        var path = ""
        var firstRevision: UInt64 = 0
        var size = 0
        var dirty = false
        var lastSync = ContinuousClock.now
        var failure: DealStoreError?
        var stopped = false
    }

    let directory: String
    let policy: DealFsyncPolicy
    let segmentSize: Int
    let logger: Logger
    /// `fdatasync` of the log; tests substitute a failing one to check that a failed sync fails its whole batch.
    let dataSync: @Sendable (Int32, String) throws(DealIOError) -> Void
    private let queue = Mutex(Queue())
    private let segment = Mutex(Segment())
    private let wake = DispatchSemaphore(value: 0)

    init(
        directory: String,
        policy: DealFsyncPolicy,
        segmentSize: Int,
        logger: Logger,
        dataSync: (@Sendable (Int32, String) throws(DealIOError) -> Void)? = nil
    ) {
        self.directory = directory
        self.policy = policy
        self.segmentSize = segmentSize
        self.logger = logger
        if let dataSync {
            self.dataSync = dataSync
        } else {
            self.dataSync = { (fd: Int32, path: String) throws(DealIOError) in
                try DealFileIO.dataSync(fd, path: path)
            }
        }
    }

    static func segmentName(firstRevision: UInt64) -> String {
        "wal-" + Self.hex16(firstRevision) + ".log"
    }

    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// Opens (appending) the segment that will receive `firstRevision` next.
    func openSegment(firstRevision: UInt64) throws(DealIOError) {
        let path = self.directory + "/" + Self.segmentName(firstRevision: firstRevision)
        let fd = try DealFileIO.openForAppend(path)
        try DealFileIO.syncDirectory(self.directory)
        self.segment.withLock {
            $0.fd = fd
            $0.path = path
            $0.firstRevision = firstRevision
            $0.size = DealFileIO.fileSize(path) ?? 0
        }
    }

    /// Queues work; call with the store's state lock held so the log stays in revision order.
    func enqueue(_ work: Work) {
        self.queue.withLock { $0.items.append(work) }
        self.wake.signal()
    }

    /// Starts the committer thread; it keeps `store` alive until closed.
    func start(store: DealStore) {
        let thread = Thread { [self] in self.run(store: store) }
        thread.name = "DealStore.committer"
        thread.start()
    }

    private var batchInterval: Double? {
        if case .batch(let interval) = self.policy { return interval }
        return nil
    }

    private func run(store: DealStore) {
        while true {
            if let interval = self.batchInterval {
                _ = self.wake.wait(timeout: .now() + interval)
            } else {
                self.wake.wait()
            }
            let (items, version) = store.takeQueuedWork()
            if self.processBatch(items, version: version, store: store) { return }
        }
    }

    /// Takes everything queued; call with the store's state lock held (see ``DealStore/takeQueuedWork()``).
    func takeQueued() -> [Work] {
        self.queue.withLock { queue in
            let items = queue.items
            queue.items.removeAll(keepingCapacity: true)
            return items
        }
    }

    /// Writes, syncs and completes `items`; `version` is the store after the last of them. Returns true when
    /// the thread must stop.
    private func processBatch(_ items: [Work], version: DealVersion?, store: DealStore) -> Bool {
        var buffer: [UInt8] = []
        var pending: [Completion] = []
        var lastRevision: UInt64 = 0
        var lastVersion: DealVersion?
        var records = 0

        func flush() {
            guard !pending.isEmpty || !buffer.isEmpty else { return }
            let error = self.writeAndSync(buffer)
            if let error {
                store.committerFailed(error)
            }
            // Publish before completing, so a writer that was told "durable" reads its change and finds it in the
            // feed (read-your-writes), and no reader ever saw it before it was durable.
            var replaced: DealVersion?
            if error == nil, records > 0, let version = lastVersion {
                replaced = store.committerDurable(upTo: lastRevision, records: records, version: version)
            }
            Self.complete(pending, error: error)
            // Freed off this thread (see `reclaim(_:)`); this thread's own references go at once, so the queue's is
            // the last one (short of a race lost by a few instructions, which only frees it here as before).
            if let version = replaced { Self.reclaim(version) }
            replaced = nil
            buffer.removeAll(keepingCapacity: true)
            pending.removeAll()
            lastVersion = nil
            records = 0
        }

        for item in items {
            switch item {
            case .write(let bytes, let count, let revision, let executor, let completion):
                buffer.append(contentsOf: bytes)
                pending.append(Completion(executor: executor, body: completion))
                lastRevision = revision
                records += count
            case .rotate(let firstRevision, let before, let completion):
                lastVersion = before
                flush()
                completion(self.rotate(firstRevision: firstRevision))
            case .close(let before, let completion):
                lastVersion = before
                flush()
                let error = self.syncNow()
                self.segment.withLock { segment in
                    if segment.fd >= 0 { DealFileIO.closeFile(segment.fd) }
                    segment.fd = -1
                    segment.stopped = true
                }
                completion(error)
                return true
            }
        }
        lastVersion = version
        flush()
        if self.batchInterval != nil {
            let due = self.segment.withLock { segment in
                segment.dirty && ContinuousClock.now - segment.lastSync >= .seconds(self.batchInterval ?? 0)
            }
            if due, let error = self.syncNow() { store.committerFailed(error) }
        }
        // Rotate by size at a batch boundary (the next record starts the new segment).
        let full = self.segment.withLock { $0.size >= self.segmentSize && $0.failure == nil }
        if full, lastRevision > 0 {
            if let error = self.rotate(firstRevision: lastRevision + 1) { store.committerFailed(error) }
        }
        return false
    }

    /// The serial queue replaced versions are released on (see ``reclaim(_:)``).
    private static let reclaimQueue = DispatchQueue(label: "DealStore.reclaim", qos: .utility)

    /// Releases `version`, the one a publication replaced, on ``reclaimQueue`` instead of this thread.
    ///
    /// When no reader holds it, its release frees every node the batch's writes replaced (each freed node releases
    /// its up to 64 children or ids): `perf record` of dealsd under creates at 8:8 with fsync always put 44 % of
    /// this thread's cycles in `DealVersion.deinit`, against 23 % for the log's write and `fdatasync`. This thread
    /// is the one every write of the next batch waits for, and on a busy machine each millisecond of CPU it needs
    /// costs several of wall time; on the queue the release runs beside the next batch's `fdatasync`. The queue is
    /// serial (one thread, versions freed in publication order); it falls behind only while the machine has no
    /// core to spare, and catches up as soon as it has.
    static func reclaim(_ version: DealVersion) {
        Self.reclaimQueue.async { withExtendedLifetime(version) {} }
    }

    private struct Completion {
        var executor: (any DealCompletionExecutor)?
        var body: @Sendable (DealStoreError?) -> Void
    }

    /// Completes one batch: one ``DealCompletionBatch`` per executor (commit order kept within each), the rest here.
    private static func complete(_ pending: [Completion], error: DealStoreError?) {
        // A server has one executor per event loop: a linear search over a handful beats hashing.
        var groups: [(executor: any DealCompletionExecutor, completions: [@Sendable (DealStoreError?) -> Void])] = []
        for completion in pending {
            guard let executor = completion.executor else {
                completion.body(error)
                continue
            }
            if let index = groups.firstIndex(where: { $0.executor === executor }) {
                groups[index].completions.append(completion.body)
            } else {
                groups.append((executor, [completion.body]))
            }
        }
        for group in groups {
            group.executor.enqueue(DealCompletionBatch(completions: group.completions, error: error))
        }
    }

    private func writeAndSync(_ buffer: [UInt8]) -> DealStoreError? {
        self.segment.withLock { segment -> DealStoreError? in
            if let failure = segment.failure { return failure }
            let sizeBefore = segment.size
            do throws(DealIOError) {
                if !buffer.isEmpty {
                    try DealFileIO.writeAll(segment.fd, buffer, path: segment.path)
                    segment.size += buffer.count
                    segment.dirty = true
                }
                if case .always = self.policy, segment.dirty {
                    try self.dataSync(segment.fd, segment.path)
                    segment.dirty = false
                    segment.lastSync = .now
                }
                return nil
            } catch {
                return self.failBatch(&segment, error: error, batchStart: sizeBefore)
            }
        }
    }

    /// Fails the store after a write or sync error in a batch, first cutting the log back to the batch's start.
    ///
    /// The batch's callers hear of the failure and the store rolls its writes back, so its records must not come
    /// back at the next start. A write that fails part-way (ENOSPC, EFBIG, EIO) may already have put whole records
    /// of the batch in the file, which recovery would replay, so the cut is made whatever the size counter says,
    /// and synced. If the cut or its sync fails, those records may reappear after a restart: the message says so,
    /// and the store stays read-only either way (it never writes after a failure).
    private func failBatch(_ segment: inout Segment, error: DealIOError, batchStart: Int) -> DealStoreError {
        var outcome = "the failed batch was cut off the log"
        do throws(DealIOError) {
            try DealFileIO.truncateDescriptor(segment.fd, to: batchStart, path: segment.path, sync: self.dataSync)
            segment.size = batchStart
        } catch let cutError {
            outcome =
                "cutting the failed batch off the log failed too (\(cutError)), so writes that were refused may "
                + "reappear after a restart: check the log with `dealsd check` before restarting"
            self.logger.critical(
                "cannot cut a failed batch off the write-ahead log",
                metadata: ["file": "\(segment.path)", "offset": "\(batchStart)", "error": "\(cutError)"]
            )
        }
        let failure = DealStoreError(
            code: .readOnly,
            message:
                "the write-ahead log could not be written (\(error)); \(outcome); the store is read-only: fix the "
                + "disk and restart",
            cause: error
        )
        segment.failure = failure
        return failure
    }

    private func syncNow() -> DealStoreError? {
        self.segment.withLock { segment -> DealStoreError? in
            if let failure = segment.failure { return failure }
            guard segment.dirty, segment.fd >= 0 else { return nil }
            do throws(DealIOError) {
                try self.dataSync(segment.fd, segment.path)
                segment.dirty = false
                segment.lastSync = .now
                return nil
            } catch {
                let failure = DealStoreError(
                    code: .readOnly,
                    message: "fsync of the write-ahead log failed (\(error)); the store is read-only: restart",
                    cause: error
                )
                segment.failure = failure
                return failure
            }
        }
    }

    private func rotate(firstRevision: UInt64) -> DealStoreError? {
        if let error = self.syncNow() { return error }
        let current = self.segment.withLock { ($0.firstRevision, $0.size, $0.failure) }
        if let failure = current.2 { return failure }
        // An empty segment that already starts at the wanted revision is reused.
        if current.0 == firstRevision && current.1 == 0 { return nil }
        do throws(DealIOError) {
            let old = self.segment.withLock { $0.fd }
            if old >= 0 { DealFileIO.closeFile(old) }
            try self.openSegment(firstRevision: firstRevision)
            return nil
        } catch {
            let failure = DealStoreError(
                code: .readOnly,
                message: "could not start a new log segment (\(error)); the store is read-only: restart",
                cause: error
            )
            self.segment.withLock { $0.failure = failure }
            return failure
        }
    }
}
