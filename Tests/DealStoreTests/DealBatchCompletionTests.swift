import DealModel
import Foundation
import SwiftProtobuf
import Synchronization
import Testing

@testable import DealStore

/// Records every batch handed over by the committer and runs it at once (on the committer thread).
final class RecordingExecutor: DealCompletionExecutor {
    let batches = Mutex<[(count: Int, failed: Bool)]>([])

    func enqueue(_ batch: DealCompletionBatch) {
        self.batches.withLock { $0.append((batch.count, batch.error != nil)) }
        batch.run()
    }
}

/// A log `fdatasync` that the test controls: it reports each call, can hold the committer inside a sync until
/// released, and fails from a chosen call on.
final class ControlledSync: Sendable {
    private let state = Mutex<(calls: Int, failFrom: Int, holdCall: Int)>((0, Int.max, 0))
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    /// Counting from now: hold the committer inside sync number `holdCall` (1-based) until `release` is
    /// signalled, and fail every sync from number `failFrom` on.
    func configure(holdCall: Int, failFrom: Int = Int.max) {
        self.state.withLock { $0 = (0, failFrom, holdCall) }
    }

    var sync: @Sendable (Int32, String) throws(DealIOError) -> Void {
        { (_: Int32, path: String) throws(DealIOError) in
            let (call, failFrom, holdCall) = self.state.withLock { state in
                state.calls += 1
                return (state.calls, state.failFrom, state.holdCall)
            }
            if call == holdCall {
                self.entered.signal()
                self.release.wait()
            }
            if call >= failFrom { throw DealIOError(operation: "fdatasync", path: path, errno: EIO) }
        }
    }
}

@Suite("Write completion in commit batches")
struct DealBatchCompletionTests {
    static func open(_ path: String, sync: ControlledSync) async throws -> DealStore {
        var options = DealStoreOptions(fsyncPolicy: .always, snapshotEvery: 0, seedIfEmpty: false)
        options.logDataSync = sync.sync
        let store = try await DealStore.open(directory: path, options: options, logger: TestStores.quietLogger)
        for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
        return store
    }

    /// Submits `ids` while the committer is held inside the sync of `first` (so they queue up behind it and form
    /// one batch), then releases it; returns each call's result in completion order.
    static func createBehindHeldSync(
        store: DealStore,
        sync: ControlledSync,
        executor: RecordingExecutor,
        first: String,
        ids: [String]
    ) async -> [(id: String, result: Result<[UInt8], DealStoreError>)] {
        let results = Mutex<[(id: String, result: Result<[UInt8], DealStoreError>)]>([])
        let done = DispatchSemaphore(value: 0)
        let all = [first] + ids
        store.createDealSerialized(TestStores.deal(first), executor: executor) { result in
            results.withLock { $0.append((first, result)) }
            done.signal()
        }
        sync.entered.wait()
        for id in ids {
            store.createDealSerialized(TestStores.deal(id), executor: executor) { result in
                results.withLock { $0.append((id, result)) }
                done.signal()
            }
        }
        sync.release.signal()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                for _ in all { done.wait() }
                continuation.resume()
            }.start()
        }
        return results.withLock { $0 }
    }

    @Test("a commit batch's calls complete together through their executor, in order, each with its own deal")
    func batchCompletesInOrder() async throws {
        let directory = TemporaryDirectory()
        let sync = ControlledSync()
        let store = try await Self.open(directory.path, sync: sync)
        let executor = RecordingExecutor()
        sync.configure(holdCall: 1)
        let ids = (1...20).map { "batched-\($0)" }
        let results = await Self.createBehindHeldSync(
            store: store,
            sync: sync,
            executor: executor,
            first: "first",
            ids: ids
        )
        #expect(results.map(\.id) == ["first"] + ids)
        for (id, result) in results {
            let bytes = try result.get()
            #expect(try Dealstore_V1_Deal(serializedBytes: bytes).id == id)
            // The answer is the stored record, byte for byte.
            #expect(try store.dealBytes(id: id) == bytes)
        }
        // One batch for the held write, one for the 20 queued behind it: 2 hops, not 21.
        #expect(executor.batches.withLock { $0.map(\.count) } == [1, 20])
        try await store.close()
    }

    @Test("a failed fdatasync fails every call of its batch, leaves none visible, and the store turns read-only")
    func failedSyncFailsBatch() async throws {
        let directory = TemporaryDirectory()
        let sync = ControlledSync()
        let store = try await Self.open(directory.path, sync: sync)
        let executor = RecordingExecutor()
        // The held first sync succeeds; the next one (the 20 queued calls' batch) fails.
        sync.configure(holdCall: 1, failFrom: 2)
        let ids = (1...20).map { "doomed-\($0)" }
        let results = await Self.createBehindHeldSync(
            store: store,
            sync: sync,
            executor: executor,
            first: "durable",
            ids: ids
        )
        #expect(results.count == 21)
        for (id, result) in results {
            if id == "durable" {
                #expect(throws: Never.self) { try result.get() }
            } else {
                #expect(throws: DealStoreError.self) { try result.get() }
                if case .failure(let error) = result { #expect(error.code == .readOnly) }
            }
        }
        #expect(executor.batches.withLock { $0.map(\.count) } == [1, 20])
        #expect(executor.batches.withLock { $0.map(\.failed) } == [false, true])
        #expect(store.health != .serving)
        // The failed writes were rolled back: readers never see a write that was not acknowledged.
        #expect(try store.dealBytes(id: "durable").isEmpty == false)
        for id in ids {
            #expect(throws: DealStoreError.self) { try store.dealBytes(id: id) }
        }
        #expect(store.dealCount == 1)
        #expect(store.revision == (try store.deal(id: "durable")).meta.updateRevision)
        // Later writes are refused at once.
        let later = await #expect(throws: DealStoreError.self) {
            try await store.createDeal(TestStores.deal("later"))
        }
        #expect(later?.code == .readOnly)
        try? await store.close()
        // Nor do they come back at the next start: the failed batch was cut off the log.
        let reopened = try await DealStore.open(
            directory: directory.path,
            options: DealStoreOptions(fsyncPolicy: .always, snapshotEvery: 0, seedIfEmpty: false),
            logger: TestStores.quietLogger
        )
        #expect(try reopened.dealBytes(id: "durable").isEmpty == false)
        for id in ids {
            #expect(throws: DealStoreError.self) { try reopened.dealBytes(id: id) }
        }
        #expect(reopened.dealCount == 1)
        try await reopened.close()
    }

    @Test("a failed batch of an update, a delete and an organization write leaves deals, indexes and feed as before")
    func failedBatchRestoresEveryKindOfWrite() async throws {
        let directory = TemporaryDirectory()
        let sync = ControlledSync()
        let store = try await Self.open(directory.path, sync: sync)
        _ = try await store.createOrganization(TestStores.organization("elsewhere"))
        for id in ["keep", "gone"] { _ = try await store.createDeal(TestStores.deal(id)) }
        func ids(investor: String) throws -> [String] {
            var filter = Dealstore_V1_DealFilter()
            filter.investorIds = [investor]
            return try store.listDeals(filter: filter, pageSize: 100).deals.map(\.id).sorted()
        }
        let before = (
            keep: try store.dealBytes(id: "keep"),
            gone: try store.dealBytes(id: "gone"),
            investor: try ids(investor: "investor"),
            elsewhere: try ids(investor: "elsewhere"),
            revision: store.revision,
            changes: try store.changes(after: 0).map(\.revision)
        )
        #expect(before.investor == ["gone", "keep"])

        sync.configure(holdCall: 1, failFrom: 2)
        let outcomes = Mutex<[String: Bool]>([:])
        let done = DispatchSemaphore(value: 0)
        store.createDealSerialized(TestStores.deal("first")) { result in
            outcomes.withLock { $0["first"] = (try? result.get()) != nil }
            done.signal()
        }
        sync.entered.wait()
        var moved = try store.deal(id: "keep")
        moved.participations[0].investorID = "elsewhere"
        store.updateDealSerialized(moved) { result in
            outcomes.withLock { $0["update"] = (try? result.get()) != nil }
            done.signal()
        }
        store.deleteDeal(id: "gone") { result in
            outcomes.withLock { $0["delete"] = (try? result.get()) != nil }
            done.signal()
        }
        store.createOrganization(TestStores.organization("newcomer")) { result in
            outcomes.withLock { $0["organization"] = (try? result.get()) != nil }
            done.signal()
        }
        sync.release.signal()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                for _ in 0..<4 { done.wait() }
                continuation.resume()
            }.start()
        }
        #expect(outcomes.withLock { $0 } == ["first": true, "update": false, "delete": false, "organization": false])
        #expect(try store.dealBytes(id: "keep") == before.keep)
        #expect(try store.dealBytes(id: "gone") == before.gone)
        #expect(throws: DealStoreError.self) { try store.organization(id: "newcomer") }
        #expect(try ids(investor: "investor") == (before.investor + ["first"]).sorted())
        #expect(try ids(investor: "elsewhere") == before.elsewhere)
        #expect(store.revision == before.revision + 1)
        #expect(try store.changes(after: 0).map(\.revision) == before.changes + [before.revision + 1])
        try? await store.close()
    }

    @Test("create and update answer with the stored bytes, which decode to the stored deal")
    func serializedAnswerIsStored() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            let created = try await Self.serialized {
                store.createDealSerialized(TestStores.deal("d1"), completion: $0)
            }
            #expect(try store.dealBytes(id: "d1") == created)
            let deal = try Dealstore_V1_Deal(serializedBytes: created)
            // Prepared off the lock with the meta appended: still exactly SwiftProtobuf's encoding.
            #expect(try deal.serializedBytes() == created)
            #expect(deal == (try store.deal(id: "d1")))
            #expect(deal.meta.updateRevision == store.revision)
            var patch = Dealstore_V1_Deal()
            patch.id = "d1"
            patch.notes = "changed"
            let updated = try await Self.serialized {
                store.updateDealSerialized(patch, updateMask: ["notes"], expectedEtag: deal.meta.etag, completion: $0)
            }
            #expect(try store.dealBytes(id: "d1") == updated)
            // An existing id is refused before anything is stored, on the prepared path too.
            let again = await #expect(throws: DealStoreError.self) {
                try await Self.serialized { store.createDealSerialized(TestStores.deal("d1"), completion: $0) }
            }
            #expect(again?.code == .alreadyExists)
            #expect(try Dealstore_V1_Deal(serializedBytes: updated).notes == "changed")
            // Validate-only stores nothing but still answers with the deal as it would be stored.
            let checked = try await Self.serialized {
                store.createDealSerialized(TestStores.deal("d2"), validateOnly: true, completion: $0)
            }
            #expect(try Dealstore_V1_Deal(serializedBytes: checked).id == "d2")
            #expect(throws: DealStoreError.self) { try store.dealBytes(id: "d2") }
        }
    }

    @Test("the hand-built log record of a deal change is the encoded change event, byte for byte")
    func logRecordMatchesEncodedEvent() throws {
        var deal = TestStores.deal("d1")
        deal.meta.updateRevision = 300
        deal.meta.etag = "r8c"
        let bytes: [UInt8] = try deal.serializedBytes()
        for (revision, kind, time) in [
            (UInt64(1), Dealstore_V1_ChangeKind.created, Int64(1_700_000_000_000_000)),
            (UInt64(1) << 40, .updated, Int64(-5)),
            (UInt64(127), .deleted, Int64(0)),
        ] {
            var event = Dealstore_V1_ChangeEvent()
            event.revision = revision
            event.kind = kind
            event.record.deal = deal
            event.timeMicros = time
            var expected: [UInt8] = []
            DealLogFrame.append(try event.serializedBytes(), to: &expected)
            var built: [UInt8] = []
            DealLogFrame.appendDealEvent(
                revision: revision,
                kind: kind,
                dealBytes: bytes,
                timeMicros: time,
                to: &built
            )
            #expect(built == expected)
        }
    }

    static func serialized(
        _ start: (@escaping @Sendable (Result<[UInt8], DealStoreError>) -> Void) -> Void
    ) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
            start { continuation.resume(with: $0.mapError { $0 as any Error }) }
        }
    }
}
