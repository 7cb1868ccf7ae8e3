public import DealModel
import Synchronization

/// Where one ``DealChangeSubscription`` is in the change feed; kept in the store's state.
///
/// Holds no events (see ``DealChangeSubscription``): only the revision up to which the subscriber has been served
/// and, while it waits for the next durable change, its continuation.
struct DealWatcher: Sendable {
    var filter: DealFilterMatcher?
    /// Every change up to this revision has been handed out (or filtered out).
    var cursor: UInt64
    /// The subscriber's `next` while it waits for a change past `cursor`; resumed with `false` when it ends.
    var waiter: CheckedContinuation<Bool, Never>?
    /// Set when the subscription can deliver nothing more (it fell behind, its task was cancelled, the store
    /// closed); the watcher stays until cancelled so that its cursor still says where to resume.
    var ended = false
    /// Where its last read of the log segments stopped (a replay older than the in-memory history).
    var logCursor: DealLogHistoryReader.Cursor?
}

/// What one look at the history found for a watcher (see ``DealStore/nextWatchedEvents(id:limit:)``).
enum DealWatchedEvents {
    case events([Dealstore_V1_ChangeEvent])
    /// Changes were looked at and none matched the filter; the cursor moved past them.
    case scanned
    /// Nothing after the cursor is durable yet.
    case waiting
    /// The subscription was cancelled or the store closed.
    case ended
    /// The events after the cursor are older than the in-memory history: read them from the log segments (off the
    /// lock and off the caller's thread), then hand them over with ``DealStore/deliverLoggedEvents(id:read:limit:)``.
    case inLog(DealLogRead)
}

/// A read of the log segments a watcher needs (see ``DealWatchedEvents/inLog(_:)``).
struct DealLogRead: Sendable {
    var after: UInt64
    var upTo: UInt64
    var limit: Int
    var cursor: DealLogHistoryReader.Cursor?
}

extension DealStore {
    /// The changes with revision greater than `revision`, oldest first, at most `limit`, durable ones only.
    ///
    /// Throws ``DealStoreError/Code/outOfRange`` when `revision` is below ``compactedRevision`` (the changes after
    /// it are no longer all available): re-read the state (list or export) and continue from ``revision``.
    public func changes(after revision: UInt64, limit: Int = 1000) throws(DealStoreError) -> [Dealstore_V1_ChangeEvent]
    {
        let inLog = try self.state.withLock { state throws(DealStoreError) -> DealLogRead? in
            if revision < state.compactedRevision {
                throw Self.compactedError(revision, state: state)
            }
            guard state.memoryHolds(after: revision) else {
                return DealLogRead(after: revision, upTo: state.publishedRevision, limit: max(1, limit), cursor: nil)
            }
            return nil
        }
        guard let inLog else {
            return self.state.withLock { state in
                Array(state.events(after: revision, upTo: state.publishedRevision, limit: max(1, limit)))
            }
        }
        let batch = try self.readLog(inLog)
        if batch.events.first?.revision != revision + 1 && revision < inLog.upTo {
            throw self.state.withLock { state in
                revision < state.compactedRevision
                    ? Self.compactedError(revision, state: state)
                    : Self.missingHistoryError(revision, state: state)
            }
        }
        return batch.events
    }

    /// Reads retained history from the log segments (blocking: file I/O).
    func readLog(_ read: DealLogRead) throws(DealStoreError) -> DealLogHistoryReader.Batch {
        if let replica = self.replica {
            // A replica's history is its system of record's (a cluster node reads PostgreSQL's change log).
            let events = try replica.log.history(after: read.after, upTo: read.upTo, limit: read.limit)
            return DealLogHistoryReader.Batch(events: events, cursor: nil)
        }
        return try DealLogHistoryReader.read(
            directory: self.directory,
            after: read.after,
            upTo: read.upTo,
            limit: read.limit,
            cursor: read.cursor
        )
    }

    static func missingHistoryError(_ revision: UInt64, state: DealStoreState) -> DealStoreError {
        DealStoreError(
            code: .internal,
            message: "the change history holds nothing after revision \(revision) up to \(state.publishedRevision) "
                + "although it is not compacted (a log segment is missing or damaged: run `dealsd check`); watch "
                + "again from revision \(revision)"
        )
    }

    static func compactedError(_ revision: UInt64, state: DealStoreState) -> DealStoreError {
        DealStoreError(
            code: .outOfRange,
            message: "revision \(revision) is compacted (changes up to \(state.compactedRevision) are gone; the "
                + "oldest revision a watch can start from is \(state.compactedRevision)): re-read the deals and "
                + "watch from revision \(state.revision)"
        )
    }

    static func fellBehindError(_ cursor: UInt64, state: DealStoreState) -> DealStoreError {
        DealStoreError(
            code: .outOfRange,
            message: "the watch fell behind the retained change history: it delivered every change up to revision "
                + "\(cursor), but the changes up to \(state.compactedRevision) are compacted; re-read the deals and "
                + "watch from revision \(state.revision) (the oldest revision a watch can start from is "
                + "\(state.compactedRevision))"
        )
    }

    /// Subscribes to the change feed: every durable change with revision greater than `revision`, then live
    /// changes until the subscription is cancelled or the store closes.
    ///
    /// `revision` 0 means "only changes from now on" (as WatchDeals' `from_revision`). Throws
    /// ``DealStoreError/Code/outOfRange`` when `revision` is compacted. With a `filter`, only deal changes whose
    /// deal (after the change; for a deletion, as it was) matches are delivered, and organization changes are not.
    /// Replay reads the retained history lazily, so it may span all of it; a subscriber that falls behind the
    /// history gets ``DealStoreError/Code/outOfRange`` from ``DealChangeSubscription/next(limit:)``, never a gap.
    public func watch(
        from revision: UInt64,
        filter: Dealstore_V1_DealFilter? = nil
    ) throws(DealStoreError) -> DealChangeSubscription {
        let id = try self.state.withLock { state throws(DealStoreError) -> UInt64 in
            if state.closed { throw DealStoreError(code: .failedPrecondition, message: "the store is closed") }
            let matcher: DealFilterMatcher? =
                if let filter {
                    try DealFilterMatcher(filter, version: DealVersion(state), fxTable: self.fxTable)
                } else {
                    nil
                }
            let start = revision == 0 ? state.publishedRevision : revision
            if start < state.compactedRevision { throw Self.compactedError(revision, state: state) }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = DealWatcher(filter: matcher, cursor: start)
            return id
        }
        return DealChangeSubscription(store: self, id: id)
    }

    /// How many changes one look at the history examines at most, so that a filter matching little holds the
    /// lock only briefly per scan.
    static var watchScanLimit: Int { 4096 }

    /// Takes the next batch for watcher `id` from the in-memory history, under the lock, and moves its cursor past
    /// it; or says which part of the log segments to read when the cursor is older than that history.
    func nextWatchedEvents(id: UInt64, limit: Int) throws(DealStoreError) -> DealWatchedEvents {
        try self.state.withLock { state throws(DealStoreError) -> DealWatchedEvents in
            guard let watcher = state.watchers[id], !watcher.ended else { return .ended }
            if watcher.cursor < state.compactedRevision {
                state.watchers[id]?.ended = true
                throw Self.fellBehindError(watcher.cursor, state: state)
            }
            guard watcher.cursor < state.publishedRevision else { return .waiting }
            let scan = watcher.filter == nil ? limit : max(limit, Self.watchScanLimit)
            guard state.memoryHolds(after: watcher.cursor) else {
                return .inLog(
                    DealLogRead(
                        after: watcher.cursor,
                        upTo: state.publishedRevision,
                        limit: scan,
                        cursor: watcher.logCursor
                    )
                )
            }
            let slice = state.events(after: watcher.cursor, upTo: state.publishedRevision, limit: scan)
            return try Self.take(slice, id: id, limit: limit, state: &state)
        }
    }

    /// Hands watcher `id` the events read from the log for `read` (filtered, at most `limit`), if its cursor is
    /// still where the read started.
    func deliverLoggedEvents(
        id: UInt64,
        read: DealLogRead,
        batch: DealLogHistoryReader.Batch,
        limit: Int
    ) throws(DealStoreError) -> DealWatchedEvents {
        try self.state.withLock { state throws(DealStoreError) -> DealWatchedEvents in
            guard let watcher = state.watchers[id], !watcher.ended else { return .ended }
            // Another `next` of the same subscription moved it meanwhile: look again from where it is.
            guard watcher.cursor == read.after else { return .scanned }
            guard batch.events.first?.revision == read.after + 1 else {
                state.watchers[id]?.ended = true
                if watcher.cursor < state.compactedRevision { throw Self.fellBehindError(watcher.cursor, state: state) }
                throw Self.missingHistoryError(watcher.cursor, state: state)
            }
            state.watchers[id]?.logCursor = batch.cursor
            return try Self.take(batch.events[...], id: id, limit: limit, state: &state)
        }
    }

    /// Moves watcher `id` past the events of `slice` it is given (those matching its filter, at most `limit`).
    private static func take(
        _ slice: ArraySlice<Dealstore_V1_ChangeEvent>,
        id: UInt64,
        limit: Int,
        state: inout DealStoreState
    ) throws(DealStoreError) -> DealWatchedEvents {
        guard var watcher = state.watchers[id] else { return .ended }
        var events: [Dealstore_V1_ChangeEvent] = []
        events.reserveCapacity(min(slice.count, limit))
        var cursor = watcher.cursor
        for event in slice {
            if let filter = watcher.filter, !filter.matches(event: event) {
                cursor = event.revision
                continue
            }
            if events.count == limit { break }
            events.append(event)
            cursor = event.revision
        }
        if slice.isEmpty {
            // Not expected (the history covers everything after the compacted revision): ending the watch
            // with an error beats spinning on it or skipping silently.
            state.watchers[id]?.ended = true
            throw Self.missingHistoryError(watcher.cursor, state: state)
        }
        watcher.cursor = cursor
        state.watchers[id] = watcher
        return events.isEmpty ? .scanned : .events(events)
    }

    /// Waits until a change after watcher `id`'s cursor is durable; `false` when the subscription ended instead.
    func waitForWatchedChange(id: UInt64) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let ready: Bool? = self.state.withLock { state in
                    guard var watcher = state.watchers[id], !watcher.ended, !Task.isCancelled else { return false }
                    if watcher.cursor < state.publishedRevision { return true }
                    watcher.waiter = continuation
                    state.watchers[id] = watcher
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            self.endWatcher(id: id)
        }
    }

    /// Ends watcher `id` (keeping its cursor): a waiting `next` returns no events, later ones find it ended.
    func endWatcher(id: UInt64) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.watchers[id]?.ended = true
            defer { state.watchers[id]?.waiter = nil }
            return state.watchers[id]?.waiter
        }
        waiter?.resume(returning: false)
    }

    /// Marks newly durable events published and returns the waiting watchers to wake (resumed by the caller outside
    /// the lock). Costs one look per waiting watcher, whatever it has not read: publishing never waits for a reader.
    func publish(_ state: inout DealStoreState) -> [CheckedContinuation<Bool, Never>] {
        guard state.durableRevision > state.publishedRevision else { return [] }
        state.publishedRevision = state.durableRevision
        let published = state.publishedRevision
        let ready = state.watchers.compactMap { id, watcher in
            watcher.waiter != nil && watcher.cursor < published ? id : nil
        }
        var woken: [CheckedContinuation<Bool, Never>] = []
        woken.reserveCapacity(ready.count)
        for id in ready {
            if let waiter = state.watchers[id]?.waiter { woken.append(waiter) }
            state.watchers[id]?.waiter = nil
        }
        return woken
    }
}
