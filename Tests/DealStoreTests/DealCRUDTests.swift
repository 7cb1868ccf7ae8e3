import DealModel
import DealStore
import Testing

@Suite("Updates, etags and the change feed")
struct DealCRUDTests {
    @Test("update with a field mask merges only the named fields")
    func fieldMask() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor", "other"] {
                _ = try await store.createOrganization(TestStores.organization(id))
            }
            let created = try await store.createDeal(TestStores.deal("d1"))
            var patch = Dealstore_V1_Deal()
            patch.id = "d1"
            patch.title = "Renamed"
            patch.targetID = "other"
            let updated = try await store.updateDeal(patch, updateMask: ["title"], expectedEtag: created.meta.etag)
            #expect(updated.title == "Renamed")
            #expect(updated.targetID == "target")
            #expect(updated.amount == created.amount)
            #expect(updated.meta.createRevision == created.meta.createRevision)
            #expect(updated.meta.updateRevision > created.meta.updateRevision)
            #expect(updated.meta.etag != created.meta.etag)
            #expect(try store.deal(id: "d1") == updated)
            let badMask = await #expect(throws: DealStoreError.self) {
                try await store.updateDeal(patch, updateMask: ["meta"])
            }
            #expect(badMask?.code == .invalidArgument)
            #expect(badMask?.message.hasPrefix("update_mask[0]") == true)
        }
    }

    @Test("a stale etag is refused with aborted and nothing is merged")
    func staleEtag() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            let created = try await store.createDeal(TestStores.deal("d1"))
            var first = created
            first.notes = "first writer"
            _ = try await store.updateDeal(first, updateMask: ["notes"], expectedEtag: created.meta.etag)
            var second = created
            second.title = "second writer"
            let error = await #expect(throws: DealStoreError.self) {
                try await store.updateDeal(second, updateMask: ["title"], expectedEtag: created.meta.etag)
            }
            #expect(error?.code == .aborted)
            #expect(try store.deal(id: "d1").title == created.title)
            let delete = await #expect(throws: DealStoreError.self) {
                try await store.deleteDeal(id: "d1", expectedEtag: created.meta.etag)
            }
            #expect(delete?.code == .aborted)
            let missing = #expect(throws: DealStoreError.self) { try store.deal(id: "nope") }
            #expect(missing?.code == .notFound)
        }
    }

    @Test("the callback form completes once durable")
    func callbackForm() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path, fsync: .always)
        _ = try await store.createOrganization(TestStores.organization("target"))
        _ = try await store.createOrganization(TestStores.organization("investor"))
        let result = await withCheckedContinuation { continuation in
            store.createDeal(TestStores.deal("cb")) { continuation.resume(returning: $0) }
        }
        #expect(try result.get().id == "cb")
        try await store.close()
    }

    @Test("every mutation is numbered; changes(after:) and compaction")
    func changeFeed() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            _ = try await store.createDeal(TestStores.deal("d1"))
            var patch = TestStores.deal("d1")
            patch.notes = "n"
            _ = try await store.updateDeal(patch, updateMask: ["notes"])
            let revision = try await store.deleteDeal(id: "d1")
            #expect(revision == 5)
            #expect(store.revision == 5)
            let all = try store.changes(after: 0)
            #expect(all.map(\.revision) == [1, 2, 3, 4, 5])
            #expect(all.map(\.kind) == [.created, .created, .created, .updated, .deleted])
            #expect(try store.changes(after: 3).map(\.revision) == [4, 5])
            #expect(try store.changes(after: 3, limit: 1).map(\.revision) == [4])
            #expect(try store.changes(after: 5).isEmpty)
        }
        let directory = TemporaryDirectory()
        let store = try await DealStore.open(
            directory: directory.path,
            options: DealStoreOptions(fsyncPolicy: .none, snapshotEvery: 0, seedIfEmpty: false, changeHistoryLimit: 2),
            logger: TestStores.quietLogger
        )
        for index in 0..<10 { _ = try await store.createOrganization(TestStores.organization("org-\(index)")) }
        // Two events in memory, the others read back from the log; only a compaction makes them unavailable.
        #expect(try store.changes(after: 0).map(\.revision) == Array(1...10))
        try await store.snapshot()
        #expect(try await store.compactHistory(through: 4) == 4)
        #expect(store.compactedRevision == 4)
        let error = #expect(throws: DealStoreError.self) { try store.changes(after: 0) }
        #expect(error?.code == .outOfRange)
        let watchError = #expect(throws: DealStoreError.self) { try store.watch(from: 1) }
        #expect(watchError?.code == .outOfRange)
        #expect(try store.changes(after: store.compactedRevision).last?.revision == 10)
        try await store.close()
    }

    @Test("watch delivers the backlog after from_revision, then live changes, filtered")
    func watch() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor", "other"] {
                _ = try await store.createOrganization(TestStores.organization(id))
            }
            _ = try await store.createDeal(TestStores.deal("d1"))
            var filter = Dealstore_V1_DealFilter()
            filter.targetID = "target"
            let stream = try store.watch(from: 2, filter: filter)
            let everything = try store.watch(from: 0)
            _ = try await store.createDeal(TestStores.deal("d2", target: "other"))
            _ = try await store.createDeal(TestStores.deal("d3"))
            var seen: [String] = []
            for try await event in stream {
                seen.append(event.record.deal.id)
                if seen.count == 2 { break }
            }
            #expect(seen == ["d1", "d3"])
            var revisions: [UInt64] = []
            for try await event in everything {
                revisions.append(event.revision)
                if revisions.count == 2 { break }
            }
            #expect(revisions == [5, 6])
        }
    }
}
