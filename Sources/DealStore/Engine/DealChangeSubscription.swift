public import DealModel
import Synchronization

/// One subscriber's place in the change feed (see ``DealStore/watch(from:filter:)``): it reads the store's change
/// history on demand, a batch at a time, after the last revision it returned.
///
/// A subscription buffers nothing of its own. The store's in-memory history (``DealStoreOptions/changeHistoryLimit``
/// events and up to twice that) is shared by every subscriber, and older retained changes are read back from the log
/// segments a batch at a time (``DealStoreOptions/historyRetention``; after a restart too), so a subscriber that
/// stops reading costs the store a few words and delays no writer. If it falls so far behind that the history it
/// still needs is compacted, ``next(limit:)`` throws ``DealStoreError/Code/outOfRange`` instead of skipping ahead: no
/// change between the start revision and the live edge is ever left out silently.
///
/// Iterating it as an `AsyncSequence` yields the same events one at a time.
public final class DealChangeSubscription: AsyncSequence, Sendable {
    public typealias Element = Dealstore_V1_ChangeEvent

    let store: DealStore
    let id: UInt64
    /// The cursor once cancelled (the store has forgotten the watcher then).
    private let cancelledAt = Mutex<UInt64?>(nil)

    init(store: DealStore, id: UInt64) {
        self.store = store
        self.id = id
    }

    deinit {
        self.cancel()
    }

    /// Every change up to this revision has been returned (or did not match the filter): watching again from it
    /// continues without a gap, as long as it is not below the store's ``DealStore/compactedRevision``.
    public var resumeRevision: UInt64 {
        if let cursor = self.cancelledAt.withLock({ $0 }) { return cursor }
        return self.store.state.withLock { $0.watchers[self.id]?.cursor } ?? self.cancelledAt.withLock { $0 } ?? 0
    }

    /// The next durable changes after the last one returned, oldest first, at most `limit`; waits while there
    /// are none.
    ///
    /// Returns an empty array once the subscription has ended: ``cancel()``, the calling task was cancelled, or
    /// the store closed. Throws ``DealStoreError/Code/outOfRange`` when changes after ``resumeRevision`` have
    /// been compacted (the subscriber was slower than the retained history); re-read the state and watch again.
    public func next(limit: Int = 256) async throws(DealStoreError) -> [Dealstore_V1_ChangeEvent] {
        while true {
            switch try self.store.nextWatchedEvents(id: self.id, limit: Swift.max(1, limit)) {
            case .events(let events):
                return events
            case .ended:
                return []
            case .scanned:
                // Only filtered-out changes so far: the lock was let go between scans; look further.
                continue
            case .waiting:
                guard await self.store.waitForWatchedChange(id: self.id) else { return [] }
            case .inLog(let read):
                if Task.isCancelled { return [] }
                let store = self.store
                let batch: DealLogHistoryReader.Batch
                do {
                    batch = try await DealBlocking.run { try store.readLog(read) }
                } catch let error as DealStoreError {
                    self.store.endWatcher(id: self.id)
                    throw error
                } catch {
                    self.store.endWatcher(id: self.id)
                    throw DealStoreError(code: .internal, message: "cannot read the change history", cause: error)
                }
                switch try self.store.deliverLoggedEvents(id: self.id, read: read, batch: batch, limit: limit) {
                case .events(let events): return events
                case .ended: return []
                default: continue
                }
            }
        }
    }

    /// Ends the subscription: a waiting ``next(limit:)`` returns an empty array, and the store forgets it.
    public func cancel() {
        guard let watcher = self.store.state.withLock({ $0.watchers.removeValue(forKey: self.id) }) else { return }
        self.cancelledAt.withLock { $0 = watcher.cursor }
        watcher.waiter?.resume(returning: false)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(subscription: self)
    }

    /// Yields the subscription's events one at a time, reading them in batches.
    public struct Iterator: AsyncIteratorProtocol {
        let subscription: DealChangeSubscription
        var buffered: [Dealstore_V1_ChangeEvent] = []
        var index = 0

        public mutating func next() async throws(DealStoreError) -> Dealstore_V1_ChangeEvent? {
            if self.index == self.buffered.count {
                self.buffered = try await self.subscription.next()
                self.index = 0
                if self.buffered.isEmpty { return nil }
            }
            defer { self.index += 1 }
            return self.buffered[self.index]
        }
    }
}
