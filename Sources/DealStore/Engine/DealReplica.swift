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

    /// Starts the writer thread; it keeps `store` alive until stopped.
    func start(store: DealStore) {
        let thread = Thread { [self] in
            while true {
                self.wake.wait()
                let (writes, stopped) = self.queue.withLock { queue in
                    let writes = queue.writes
                    queue.writes.removeAll(keepingCapacity: true)
                    return (writes, queue.stopped)
                }
                if !writes.isEmpty { store.processReplicated(writes, replica: self) }
                if stopped { return }
            }
        }
        thread.name = "DealStore.replica"
        thread.start()
    }
}
