import DealModel

/// One live subscriber to the change feed (see ``DealStore/watch(from:filter:)``).
struct DealWatcher: Sendable {
    var filter: DealFilterMatcher?
    var continuation: AsyncThrowingStream<Dealstore_V1_ChangeEvent, any Error>.Continuation
}

extension DealStore {
    /// The changes with revision greater than `revision`, oldest first, at most `limit`, durable ones only.
    ///
    /// Throws ``DealStoreError/Code/outOfRange`` when `revision` is below ``compactedRevision`` (the changes after
    /// it are no longer all available): re-read the state (list or export) and continue from ``revision``.
    public func changes(after revision: UInt64, limit: Int = 1000) throws(DealStoreError) -> [Dealstore_V1_ChangeEvent]
    {
        try self.state.withLock { state throws(DealStoreError) in
            if revision < state.compactedRevision {
                throw Self.compactedError(revision, state: state)
            }
            return Array(state.events(after: revision, upTo: state.publishedRevision, limit: max(1, limit)))
        }
    }

    static func compactedError(_ revision: UInt64, state: DealStoreState) -> DealStoreError {
        DealStoreError(
            code: .outOfRange,
            message: "revision \(revision) is compacted (changes up to \(state.compactedRevision) are gone): "
                + "re-read the deals and watch from revision \(state.revision)"
        )
    }

    /// Subscribes to the change feed: every durable change with revision greater than `revision`, then live
    /// changes until the stream is cancelled or the store closes.
    ///
    /// `revision` 0 means "only changes from now on" (as WatchDeals' `from_revision`). Throws
    /// ``DealStoreError/Code/outOfRange`` when `revision` is compacted. With a `filter`, only deal changes whose
    /// deal (after the change; for a deletion, as it was) matches are delivered, and organization changes are not.
    /// The stream buffers up to ``DealStoreOptions/changeHistoryLimit`` events for a slow consumer; beyond that it
    /// ends with ``DealStoreError/Code/outOfRange`` and the consumer should watch again from its last revision.
    public func watch(
        from revision: UInt64,
        filter: Dealstore_V1_DealFilter? = nil
    ) throws(DealStoreError) -> AsyncThrowingStream<Dealstore_V1_ChangeEvent, any Error> {
        let matcher: DealFilterMatcher? =
            if let filter {
                try self.state.withLock { state throws(DealStoreError) in try DealFilterMatcher(filter, state: state) }
            } else { nil }
        let (stream, continuation) = AsyncThrowingStream<Dealstore_V1_ChangeEvent, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(max(16, self.options.changeHistoryLimit))
        )
        let id = try self.state.withLock { state throws(DealStoreError) -> UInt64 in
            if state.closed { throw DealStoreError(code: .failedPrecondition, message: "the store is closed") }
            let start = revision == 0 ? state.publishedRevision : revision
            if start < state.compactedRevision { throw Self.compactedError(revision, state: state) }
            for event in state.events(after: start, upTo: state.publishedRevision, limit: Int.max)
            where matcher?.matches(event: event) ?? true {
                continuation.yield(event)
            }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = DealWatcher(filter: matcher, continuation: continuation)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Delivers newly durable events to watchers; returns those whose buffer overflowed (to be finished by the
    /// caller outside the lock, since finishing runs their termination handler, which takes the lock).
    func publish(_ state: inout DealStoreState) -> [DealWatcher] {
        guard state.durableRevision > state.publishedRevision else { return [] }
        var overflowed: [DealWatcher] = []
        if !state.watchers.isEmpty {
            let events = state.events(after: state.publishedRevision, upTo: state.durableRevision, limit: Int.max)
            for (id, watcher) in state.watchers {
                for event in events where watcher.filter?.matches(event: event) ?? true {
                    if case .dropped = watcher.continuation.yield(event) {
                        overflowed.append(watcher)
                        state.watchers[id] = nil
                        break
                    }
                }
            }
        }
        state.publishedRevision = state.durableRevision
        return overflowed
    }
}
