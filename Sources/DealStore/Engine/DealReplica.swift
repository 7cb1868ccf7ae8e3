import Dispatch
import Foundation
import Synchronization

/// A replica store's write queue and the thread that drains it into the system of record (see
/// ``DealStore/open(replicaOf:revision:organizations:deals:options:logger:)``).
///
/// Writers enqueue; the thread takes everything queued, prepares it as one batch and appends it in one call, so
/// concurrent writers share one round trip (group commit, as the local committer shares one `fdatasync`).
final class DealReplica: Sendable {
    /// One queued write: `prepare` runs the write's body against a scratch state and says how to complete it.
    struct Write: Sendable {
        let executor: (any DealCompletionExecutor)?
        let prepare: @Sendable (inout DealStoreState, inout DealWriteBatch) -> Prepared
    }

    /// A prepared write: either it emitted changes (completed once they are appended and applied, or failed with
    /// the append's error), or it is already decided (refused, validate-only, a no-op).
    enum Prepared: Sendable {
        case wrote(@Sendable (DealStoreError?) -> Void)
        case decided(@Sendable () -> Void)
    }

    private struct Queue: Sendable {
        var writes: [Write] = []
        var stopped = false
    }

    let log: any DealReplicationLog
    /// How many times a batch is prepared again after losing the race for the next revision to another node.
    static let maximumAttempts = 64
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    init(log: any DealReplicationLog) {
        self.log = log
    }

    /// Queues a write; false when the store is closed.
    func enqueue(_ write: Write) -> Bool {
        let accepted = self.queue.withLock { queue in
            guard !queue.stopped else { return false }
            queue.writes.append(write)
            return true
        }
        if accepted { self.wake.signal() }
        return accepted
    }

    /// Stops the thread once the writes queued so far are done.
    func stop() {
        self.queue.withLock { $0.stopped = true }
        self.wake.signal()
    }

    /// The longest a batch waits for the writers the previous batch answered to send their next write.
    static let maximumGather: Duration = .milliseconds(5)

    /// Starts the writer thread; it keeps `store` alive until stopped.
    ///
    /// Group commit with a gather: a batch's append takes a whole commit of the system of record (~14 ms through
    /// PostgreSQL with a synchronous standby), and the writers it answers send their next writes a moment after.
    /// Taking only what is queued when a batch ends would leave those out, so that with N writes in flight batches
    /// alternate between what arrived during the commit and what arrives right after it, ~N/2 per commit. Instead
    /// the thread waits, a quarter of the last append's duration at most (``maximumGather``), until as many writes
    /// are queued as were waiting plus answered: with one writer that is the write that woke it (no wait), with
    /// N in flight nearly all N share one commit.
    func start(store: DealStore) {
        let thread = Thread { [self] in
            var expected = 0
            var lastAppend: Duration = .zero
            var finished = ContinuousClock.now
            while true {
                self.wake.wait()
                // Only right after a batch: a write that comes after a pause is not the answered writers' next one.
                if expected > 1, ContinuousClock.now - finished < lastAppend {
                    self.gather(expected, within: min(Self.maximumGather, lastAppend / 4))
                }
                let (writes, stopped) = self.queue.withLock { queue in
                    let writes = queue.writes
                    queue.writes.removeAll(keepingCapacity: true)
                    return (writes, queue.stopped)
                }
                if stopped {
                    if !writes.isEmpty { store.processReplicated(writes, replica: self) }
                    return
                }
                // A wake whose write an earlier drain took finds nothing: nothing to learn from it.
                guard !writes.isEmpty else { continue }
                let started = ContinuousClock.now
                store.processReplicated(writes, replica: self)
                finished = ContinuousClock.now
                lastAppend = finished - started
                expected = writes.count + self.queue.withLock { $0.writes.count }
            }
        }
        thread.name = "DealStore.replica"
        thread.start()
    }

    /// Waits until `count` writes are queued, the store stops, or `limit` passed.
    private func gather(_ count: Int, within limit: Duration) {
        let deadline = ContinuousClock.now + limit
        while true {
            let (queued, stopped) = self.queue.withLock { ($0.writes.count, $0.stopped) }
            if queued >= count || stopped { return }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            let (seconds, attoseconds) = left.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            // Every enqueue signals: woken, look again. A signal taken here leaves the writer loop's next wait one
            // short of the queue, which is harmless (it drains whatever is queued each time it wakes).
            _ = self.wake.wait(timeout: .now() + .nanoseconds(nanoseconds))
        }
    }
}
