import Synchronization

extension DealStore {
    /// Calls `onReached` with the published revision once the store has published `revision` (readers then see
    /// every write up to it); returns `nil`, without calling it, when `revision` is published already.
    ///
    /// The callback runs on the thread that publishes (the committer's), outside every store lock: hop to your own
    /// executor from there, and keep it short. It runs at most once; after ``DealRevisionWait/cancel()`` it does
    /// not run, unless the publish that reached it was already calling it (callers ignore such a late call). A
    /// wait nothing reaches (the store closed or turned read-only) lasts until cancelled: callers bound it with a
    /// deadline of their own, and bound how many they keep (``pendingRevisionWaits``).
    public func waitForRevision(
        _ revision: UInt64,
        onReached: @escaping @Sendable (UInt64) -> Void
    ) -> DealRevisionWait? {
        // The published revision is read under the waiters' lock: a publish either happened before (and is seen
        // here) or wakes the waiters after its swap, so no wait misses the publish that reaches it.
        self.revisionWaiters.withLock { waiters -> DealRevisionWait? in
            if self.revision >= revision { return nil }
            let id = waiters.add(DealRevisionWaiters.Waiter(revision: revision, onReached: onReached))
            return DealRevisionWait(store: self, id: id)
        }
    }

    /// How many ``waitForRevision(_:onReached:)`` calls are waiting.
    public var pendingRevisionWaits: Int { self.revisionWaiters.withLock { $0.count } }

    /// Wakes the waits that `revision` (just published) reaches; called by the publisher after the swap.
    func revisionPublished(_ revision: UInt64) {
        let reached = self.revisionWaiters.withLock { $0.reached(by: revision) }
        for waiter in reached { waiter.onReached(revision) }
    }
}
