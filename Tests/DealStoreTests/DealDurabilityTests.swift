import DealModel
import DealStore
import Foundation
import Testing

@Suite("Durability: restart, snapshots, log damage")
struct DealDurabilityTests {
    static func files(_ directory: String, suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(suffix) }.sorted()
    }

    static func write(_ store: DealStore, deals: Range<Int>) async throws {
        if store.organizationCount == 0 {
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
        }
        for index in deals {
            _ = try await store.createDeal(TestStores.deal("d\(index)", amount: Int64(index)))
        }
    }

    static func copy(_ from: String, to: String) throws {
        try? FileManager.default.removeItem(atPath: to)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    @Test("state survives restart through log, rotation and snapshots")
    func restart() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path, fsync: .always, segmentSize: 1_000, snapshotEvery: 0)
        try await Self.write(store, deals: 0..<30)
        let names = try Self.files(directory.path, suffix: "")
        #expect(names.filter { $0.hasSuffix(".log") }.count > 2, "\(names)")
        let segments = try Self.files(directory.path, suffix: ".log").count
        try await store.snapshot()
        #expect(try Self.files(directory.path, suffix: ".snap").count == 1)
        // The segments are the change history: a snapshot adds one (it rotates) and removes none.
        #expect(try Self.files(directory.path, suffix: ".log").count == segments + 1)
        try await Self.write(store, deals: 30..<40)
        _ = try await store.deleteDeal(id: "d3")
        let digest = store.stateDigest()
        let revision = store.revision
        try await store.close()

        let reopened = try await TestStores.open(directory.path, segmentSize: 2_000, snapshotEvery: 10)
        #expect(reopened.stateDigest() == digest)
        #expect(reopened.revision == revision)
        #expect(reopened.compactedRevision == 0)
        #expect(try reopened.changes(after: 0, limit: 1_000).count == Int(revision))
        // Automatic snapshots (every 10 records) while writing.
        try await Self.write(reopened, deals: 40..<75)
        let digest2 = reopened.stateDigest()
        try await reopened.close()
        let third = try await TestStores.open(directory.path)
        #expect(third.stateDigest() == digest2)
        #expect(third.dealCount == 74)
        try await third.close()
        let report = try DealStore.check(directory: directory.path)
        #expect(report.isHealthy)
        #expect(report.lastRevision == third.revision)
    }

    @Test("a torn last record is cut off at every byte offset")
    func tornTail() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path)
        try await Self.write(store, deals: 0..<3)
        let fullDigest = store.stateDigest()
        _ = fullDigest
        try await store.close()
        let log = try #require(try Self.files(directory.path, suffix: ".log").last)
        let bytes = try #require(FileManager.default.contents(atPath: directory.path + "/" + log))
        // Find where the last record starts: reopen a store with one record fewer and measure its log.
        let shorter = TemporaryDirectory()
        let partial = try await TestStores.open(shorter.path)
        try await Self.write(partial, deals: 0..<2)
        let expectedDigest = partial.stateDigest(includingMeta: false)
        try await partial.close()
        let shorterLog = try #require(try Self.files(shorter.path, suffix: ".log").last)
        let lastStart = try #require(FileManager.default.contents(atPath: shorter.path + "/" + shorterLog)).count
        #expect(lastStart < bytes.count)
        let scratch = TemporaryDirectory()
        for cut in lastStart..<bytes.count {
            let work = scratch.path + "/cut"
            try Self.copy(directory.path, to: work)
            try Data(bytes.prefix(cut)).write(to: URL(fileURLWithPath: work + "/" + log))
            let recovered = try await TestStores.open(work)
            #expect(recovered.dealCount == 2, "cut at \(cut)")
            #expect(recovered.stateDigest(includingMeta: false) == expectedDigest, "cut at \(cut)")
            // The cut is durable and writing goes on after it.
            _ = try await recovered.createDeal(TestStores.deal("again"))
            try await recovered.close()
            let again = try await TestStores.open(work)
            #expect(again.dealCount == 3)
            try await again.close()
        }
    }

    @Test("a bit flipped mid-log refuses to start, naming file and offset; repair cuts there")
    func bitFlip() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path)
        try await Self.write(store, deals: 0..<10)
        try await store.close()
        let log = try #require(try Self.files(directory.path, suffix: ".log").last)
        let path = directory.path + "/" + log
        var bytes = try #require(FileManager.default.contents(atPath: path))
        let offset = bytes.count / 2
        bytes[offset] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: DealStoreError.self) { try await TestStores.open(directory.path) }
        #expect(error?.code == .dataLoss)
        #expect(error?.message.contains(log) == true)
        #expect(error?.message.contains("offset") == true)
        #expect(error?.message.contains("dealsd repair") == true)
        let check = try DealStore.check(directory: directory.path)
        #expect(!check.isHealthy)
        let repaired = try DealStore.repair(directory: directory.path)
        #expect(repaired.notes.contains { $0.contains("repaired") })
        let reopened = try await TestStores.open(directory.path)
        #expect(reopened.dealCount < 10)
        #expect(reopened.organizationCount == 2)
        try await reopened.close()
    }

    @Test("a snapshot interrupted before its rename is ignored")
    func interruptedSnapshot() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path)
        try await Self.write(store, deals: 0..<5)
        try await store.snapshot()
        try await Self.write(store, deals: 5..<8)
        let digest = store.stateDigest()
        try await store.close()
        let snapshot = try #require(try Self.files(directory.path, suffix: ".snap").first)
        let snapshotBytes = try #require(FileManager.default.contents(atPath: directory.path + "/" + snapshot))
        // A newer snapshot that never reached its rename: a truncated copy under the temporary name.
        let unfinished = directory.path + "/snapshot-00000000000000ff.snap.tmp"
        try snapshotBytes.prefix(snapshotBytes.count / 2).write(to: URL(fileURLWithPath: unfinished))
        let reopened = try await TestStores.open(directory.path)
        #expect(reopened.stateDigest() == digest)
        #expect(!FileManager.default.fileExists(atPath: unfinished))
        try await reopened.close()
    }

    @Test("64 concurrent writers share fsyncs and all land")
    func groupCommit() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path, fsync: .always)
        for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<64 {
                group.addTask {
                    for index in 0..<5 { _ = try await store.createDeal(TestStores.deal("w\(writer)-\(index)")) }
                }
            }
            try await group.waitForAll()
        }
        #expect(store.dealCount == 320)
        let digest = store.stateDigest()
        try await store.close()
        let reopened = try await TestStores.open(directory.path)
        #expect(reopened.stateDigest() == digest)
        try await reopened.close()
    }
}
