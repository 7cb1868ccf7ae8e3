import DealModel
import Foundation
import Testing

@testable import DealStore

/// The change history kept in the log segments: it survives restarts and snapshots, is read back lazily when
/// older than the in-memory tail, and goes only by a recorded compaction.
@Suite("Change history in the log segments: retention, compaction, restarts")
struct DealHistoryRetentionTests {
    static func open(
        _ path: String,
        historyLimit: Int = 20,
        segmentSize: Int = 4_000,
        retention: DealHistoryRetention = .unlimited
    ) async throws -> DealStore {
        var options = DealStoreOptions(
            fsyncPolicy: .none,
            segmentSize: segmentSize,
            snapshotEvery: 0,
            seedIfEmpty: false,
            changeHistoryLimit: historyLimit
        )
        options.historyRetention = retention
        return try await DealStore.open(directory: path, options: options, logger: TestStores.quietLogger)
    }

    /// `count` organizations created one at a time (one revision each), named `prefix-N`.
    static func write(_ count: Int, prefix: String, to store: DealStore) async throws {
        for index in 0..<count {
            _ = try await store.createOrganization(TestStores.organization("\(prefix)-\(index)"))
        }
    }

    static func segments(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".log") }.sorted()
    }

    /// Every event a subscription from `revision` delivers up to `last`, in small batches.
    static func replay(
        _ store: DealStore,
        from revision: UInt64,
        to last: UInt64
    ) async throws
        -> [Dealstore_V1_ChangeEvent]
    {
        let subscription = try store.watch(from: revision)
        defer { subscription.cancel() }
        var events: [Dealstore_V1_ChangeEvent] = []
        while (events.last?.revision ?? revision) < last {
            let batch = try await subscription.next(limit: 7)
            #expect(!batch.isEmpty)
            events += batch
        }
        return events
    }

    @Test("a watch from before a restart and a snapshot replays every change once, from the log segments")
    func replayAcrossRestart() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.open(directory.path)
        try await Self.write(150, prefix: "before", to: store)
        try await store.snapshot()
        try await Self.write(50, prefix: "after-snapshot", to: store)
        let written = try store.changes(after: 0, limit: 1_000)
        #expect(written.map(\.revision) == Array(1...200), "the history was compacted by a snapshot")
        #expect(try Self.segments(directory.path).count > 3)
        try await store.close()

        let reopened = try await Self.open(directory.path)
        #expect(reopened.compactedRevision == 0)
        // 200 events with 20 in memory: all but the last ones are read back from the segments, lazily.
        let replayed = try await Self.replay(reopened, from: 10, to: 200)
        #expect(replayed.map(\.revision) == Array(11...200))
        #expect(replayed == Array(written[10...]), "replayed events differ from the ones written")
        // Live changes follow the replay without a gap.
        let subscription = try reopened.watch(from: 195)
        try await Self.write(3, prefix: "live", to: reopened)
        var live: [UInt64] = []
        while live.last != 203 { live += try await subscription.next().map(\.revision) }
        #expect(live == Array(196...203))
        subscription.cancel()
        try await reopened.close()
    }

    @Test("compaction is recorded, removes only wholly compacted segments, and a compacted revision is refused")
    func explicitCompaction() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.open(directory.path)
        try await Self.write(120, prefix: "org", to: store)
        // Nothing is compacted past the newest snapshot (there is none yet).
        #expect(try await store.compactHistory(through: 60) == 0)
        try await store.snapshot()
        let before = try Self.segments(directory.path)
        #expect(try await store.compactHistory(through: 60) == 60)
        #expect(store.compactedRevision == 60)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/compacted"))
        let after = try Self.segments(directory.path)
        #expect(after.count < before.count, "no segment was removed: \(before) → \(after)")
        // The remaining segments still hold every revision after 60 (the one holding 61 stays).
        let first = try #require(after.first.flatMap { DealRecovery.parse($0, prefix: "wal-", suffix: ".log") })
        #expect(first <= 61 && first > 1)
        #expect(try store.changes(after: 60).map(\.revision) == Array(61...120))
        let refused = #expect(throws: DealStoreError.self) { try store.watch(from: 59) }
        #expect(refused?.code == .outOfRange)
        #expect(refused?.message.contains("oldest revision a watch can start from is 60") == true)
        try await store.close()

        // Recorded: the same after a restart, although the first segment may still hold revisions up to 60.
        let reopened = try await Self.open(directory.path)
        #expect(reopened.compactedRevision == 60)
        #expect(#expect(throws: DealStoreError.self) { try reopened.changes(after: 59) }?.code == .outOfRange)
        #expect(try await Self.replay(reopened, from: 60, to: 120).map(\.revision) == Array(61...120))
        #expect(try DealStore.check(directory: directory.path).compactedRevision == 60)
        try await reopened.close()
    }

    @Test("retention by revisions compacts after a snapshot, keeping at least that many")
    func retentionByCount() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.open(directory.path, retention: DealHistoryRetention(revisions: 50))
        try await Self.write(200, prefix: "org", to: store)
        #expect(store.compactedRevision == 0, "compacted before any snapshot")
        try await store.snapshot()
        #expect(store.compactedRevision == 150)
        #expect(try store.changes(after: 150, limit: 100).map(\.revision) == Array(151...200))
        try await store.close()
    }

    @Test("retention by age compacts the segments whose last write is older, and no further")
    func retentionByAge() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.open(
            directory.path,
            segmentSize: 1_000,
            retention: DealHistoryRetention(revisions: nil, age: .seconds(3600))
        )
        try await Self.write(100, prefix: "org", to: store)
        let segments = try Self.segments(directory.path)
        try #require(segments.count >= 4)
        // The first two segments were last written two hours ago.
        let old = Date().addingTimeInterval(-7200)
        for name in segments.prefix(2) {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: directory.path + "/" + name)
        }
        try await store.snapshot()
        let third = try #require(DealRecovery.parse(segments[2], prefix: "wal-", suffix: ".log"))
        #expect(store.compactedRevision == third - 1)
        #expect(try Self.segments(directory.path).first == segments[2])
        try await store.close()
    }

    @Test("a subscriber replaying from the segments that compaction overtakes ends with OUT_OF_RANGE, no gap")
    func compactionOvertakesReplay() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.open(directory.path)
        try await Self.write(200, prefix: "org", to: store)
        try await store.snapshot()
        let subscription = try store.watch(from: 0 + 1)
        let first = try await subscription.next(limit: 10)
        #expect(first.map(\.revision) == Array(2...11))
        try await store.compactHistory(through: 100)
        let error = await #expect(throws: DealStoreError.self) { try await subscription.next(limit: 10) }
        #expect(error?.code == .outOfRange)
        #expect(error?.message.contains("up to revision 11") == true)
        #expect(subscription.resumeRevision == 11)
        try await store.close()
    }

    @Test("a store written before history was retained opens with its feed starting at its first segment")
    func legacyDirectory() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.open(directory.path)
        try await Self.write(100, prefix: "org", to: store)
        try await store.snapshot()
        try await Self.write(10, prefix: "more", to: store)
        try await store.close()
        // What an old snapshot left: only the segments after it.
        for name in try Self.segments(directory.path) {
            if let first = DealRecovery.parse(name, prefix: "wal-", suffix: ".log"), first <= 100 {
                try FileManager.default.removeItem(atPath: directory.path + "/" + name)
            }
        }
        let reopened = try await Self.open(directory.path)
        #expect(reopened.compactedRevision == 100)
        #expect(try reopened.changes(after: 100).map(\.revision) == Array(101...110))
        try await reopened.close()
    }
}
