import Synchronization

/// Callers waiting for the store to publish a revision (``DealStore/waitForRevision(_:onReached:)``), kept under a
/// lock of their own so that neither registering nor waking touches the writer's lock.
///
/// A publish that reaches none of them costs one comparison (``lowest``); one that does scans the waiters, of
/// which there are few (callers bound them: a server allows a handful per connection).
struct DealRevisionWaiters: Sendable {
    struct Waiter: Sendable {
        let revision: UInt64
        let onReached: @Sendable (UInt64) -> Void
    }

    private var waiters: [UInt64: Waiter] = [:]
    private var nextID: UInt64 = 0
    /// The smallest revision any waiter waits for; `UInt64.max` when there is none.
    private(set) var lowest = UInt64.max

    var count: Int { self.waiters.count }

    mutating func add(_ waiter: Waiter) -> UInt64 {
        self.nextID += 1
        self.waiters[self.nextID] = waiter
        self.lowest = min(self.lowest, waiter.revision)
        return self.nextID
    }

    mutating func remove(_ id: UInt64) {
        guard let removed = self.waiters.removeValue(forKey: id) else { return }
        if removed.revision == self.lowest { self.recomputeLowest() }
    }

    /// Removes and returns the waiters whose revision `published` reaches.
    mutating func reached(by published: UInt64) -> [Waiter] {
        guard published >= self.lowest else { return [] }
        var reached: [Waiter] = []
        for (id, waiter) in self.waiters where waiter.revision <= published {
            reached.append(waiter)
            self.waiters.removeValue(forKey: id)
        }
        self.recomputeLowest()
        return reached
    }

    private mutating func recomputeLowest() {
        self.lowest = self.waiters.values.lazy.map(\.revision).min() ?? UInt64.max
    }
}

/// A registered wait for a revision; ``cancel()`` withdraws it (then its callback never runs).
public struct DealRevisionWait: Sendable {
    let store: DealStore?
    let id: UInt64

    /// Withdraws the wait. Harmless when the revision was already reached or the wait already withdrawn.
    public func cancel() {
        guard let store = self.store else { return }
        store.revisionWaiters.withLock { $0.remove(self.id) }
    }
}
