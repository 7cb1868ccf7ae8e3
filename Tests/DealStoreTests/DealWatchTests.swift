import DealModel
import Foundation
import Synchronization
import Testing

@testable import DealStore

/// The change feed's subscriptions, without sockets: lazy replay, no gap between replay and live changes, a
/// subscriber that falls behind the history ends with an error instead of skipping, and idle subscribers cost
/// writers nothing.
@Suite("Change feed subscriptions")
struct DealWatchTests {
    static func open(historyLimit: Int) async throws -> (DealStore, TemporaryDirectory) {
        let directory = TemporaryDirectory()
        let store = try await DealStore.open(
            directory: directory.path,
            options: DealStoreOptions(
                fsyncPolicy: .none,
                snapshotEvery: 0,
                seedIfEmpty: false,
                changeHistoryLimit: historyLimit
            ),
            logger: TestStores.quietLogger
        )
        return (store, directory)
    }

    /// `count` organizations, imported in batches (each durable before the next).
    static func write(_ count: Int, prefix: String, to store: DealStore) async throws {
        var records: [Dealstore_V1_DealRecord] = []
        for index in 0..<count {
            var record = Dealstore_V1_DealRecord()
            record.organization = TestStores.organization("\(prefix)-\(index)")
            records.append(record)
        }
        let result = try await store.importRecords(records)
        #expect(result.created == count)
    }

    @Test("a replay longer than the history limit's buffer delivers every retained event, lazily, in order")
    func lazyReplay() async throws {
        // 9,000 changes with a limit of 5,000 are all retained (compaction starts past twice the limit); a
        // subscription that buffered up to the limit would lose the last 4,000.
        let (store, directory) = try await Self.open(historyLimit: 5_000)
        _ = directory
        try await Self.write(9_000, prefix: "org", to: store)
        let subscription = try store.watch(from: 1)
        var revisions: [UInt64] = []
        while revisions.last != 9_000 {
            let batch = try await subscription.next(limit: 500)
            #expect(batch.count <= 500)
            revisions += batch.map(\.revision)
        }
        #expect(revisions == Array(2...9_000))
        let expected = try store.changes(after: 1, limit: 10_000)
        #expect(expected.count == revisions.count)
        #expect(subscription.resumeRevision == 9_000)
        subscription.cancel()
        try await store.close()
    }

    @Test("live changes follow the replay without a gap or a duplicate")
    func replayThenLive() async throws {
        let (store, directory) = try await Self.open(historyLimit: 10_000)
        _ = directory
        try await Self.write(3_000, prefix: "before", to: store)
        let subscription = try store.watch(from: 1)
        let writes = Task { try await Self.write(2_000, prefix: "during", to: store) }
        var revisions: [UInt64] = []
        while revisions.last != 5_000 {
            revisions += try await subscription.next(limit: 97).map(\.revision)
        }
        try await writes.value
        #expect(revisions == Array(2...5_000))
        subscription.cancel()
        try await store.close()
    }

    @Test("a subscriber that falls behind a compaction of the history ends with OUT_OF_RANGE, never a gap")
    func fallingBehindEndsTheWatch() async throws {
        let (store, directory) = try await Self.open(historyLimit: 10)
        _ = directory
        try await Self.write(5, prefix: "first", to: store)
        let subscription = try store.watch(from: 0)
        #expect(subscription.resumeRevision == 5)
        // The subscriber reads nothing while the history moves on past it; writers are not held up.
        try await Self.write(100, prefix: "later", to: store)
        try await store.snapshot()
        try await store.compactHistory(through: 50)
        #expect(store.compactedRevision == 50)
        let error = await #expect(throws: DealStoreError.self) { try await subscription.next() }
        #expect(error?.code == .outOfRange)
        #expect(error?.message.contains("up to revision 5") == true)
        #expect(error?.message.contains("oldest revision a watch can start from is \(store.compactedRevision)") == true)
        // Ended: no later events come out of it either.
        #expect(try await subscription.next().isEmpty)
        // Watching from the compacted part is refused up front, naming the oldest revision available.
        let refused = #expect(throws: DealStoreError.self) { try store.watch(from: 5) }
        #expect(refused?.code == .outOfRange)
        #expect(refused?.message.contains("is \(store.compactedRevision)") == true)
        try await store.close()
    }

    @Test("idle subscribers hold no events: a thousand of them cost the store no buffered events")
    func idleSubscribersBufferNothing() async throws {
        let (store, directory) = try await Self.open(historyLimit: 1_000)
        _ = directory
        let subscriptions = try (0..<1_000).map { _ in try store.watch(from: 0) }
        try await Self.write(1_500, prefix: "org", to: store)
        let cursors = store.state.withLock { state in state.watchers.values.map(\.cursor) }
        #expect(cursors.count == 1_000)
        #expect(cursors.allSatisfy { $0 == 0 }, "subscribers moved without being read")
        #expect(store.state.withLock { $0.history.count } <= 2_000)
        let first = try await subscriptions[0].next(limit: 10)
        #expect(first.map(\.revision) == Array(1...10))
        for subscription in subscriptions { subscription.cancel() }
        #expect(store.state.withLock { $0.watchers.isEmpty })
        try await store.close()
    }

    @Test("a waiting next() returns empty on cancel(), on its task's cancellation and when the store closes")
    func waitingEnds() async throws {
        let (store, directory) = try await Self.open(historyLimit: 100)
        _ = directory
        let cancelled = try store.watch(from: 0)
        let waiting = Task { try await cancelled.next() }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        #expect(try await waiting.value.isEmpty)

        let taskCancelled = try store.watch(from: 0)
        let task = Task { try await taskCancelled.next() }
        task.cancel()
        #expect(try await task.value.isEmpty)

        let closing = try store.watch(from: 0)
        let beforeClose = Task { try await closing.next() }
        try await Task.sleep(for: .milliseconds(50))
        try await store.close()
        #expect(try await beforeClose.value.isEmpty)
        #expect(try await closing.next().isEmpty)
        #expect(closing.resumeRevision == 0)
    }
}
