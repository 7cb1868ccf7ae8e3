import DealModel
import DealStore
import Foundation
import SwiftProtobuf
import Testing

/// One maximum record size for the store's writers and its recovery (``DealRecordLimit``).
@Suite("The maximum record size", .serialized)
struct DealRecordLimitTests {
    /// The size of the log record of the change at `revision`: its serialized change event.
    static func recordSize(_ store: DealStore, revision: UInt64) throws -> Int {
        let event = try #require(try store.changes(after: revision - 1, limit: 1).first)
        #expect(event.revision == revision)
        return try (event.serializedBytes() as [UInt8]).count
    }

    /// A valid deal carrying `bulk` bytes in an unknown field (number 1000), as a client with a newer schema would
    /// send: the store keeps and logs it like any field. Not a 64 MiB string: the debug build's UTF-8 validation
    /// of one takes most of a minute per decode.
    static func deal(_ id: String, bulk: Int) throws -> Dealstore_V1_Deal {
        var bytes: [UInt8] = try TestStores.deal(id).serializedBytes()
        var header: [UInt8] = []
        for value in [UInt64(1000 << 3 | 2), UInt64(bulk)] {
            var rest = value
            while rest >= 0x80 {
                header.append(UInt8(truncatingIfNeeded: rest) | 0x80)
                rest >>= 7
            }
            header.append(UInt8(rest))
        }
        bytes += header
        bytes += [UInt8](repeating: 0x6E, count: bulk)
        return try Dealstore_V1_Deal(serializedBytes: bytes)
    }

    static func bulk(_ deal: Dealstore_V1_Deal) -> Int {
        deal.unknownFields.data.count
    }

    @Test(
        "a record of exactly the maximum size is acknowledged and read back after restarts from the log and from a snapshot; one byte more is refused",
        .timeLimit(.minutes(3))
    )
    func largestRecordSurvivesRestart() async throws {
        let directory = TemporaryDirectory()
        let limit = DealRecordLimit.maximumRecordSize
        let store = try await TestStores.open(directory.path, fsync: .always)
        for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }

        // What a deal's record adds to its bulk, measured on a small one with an id of the same length.
        let probe = try await store.createDeal(try Self.deal("probe-1", bulk: 1_000))
        let probeOverhead = try Self.recordSize(store, revision: probe.meta.updateRevision) - 1_000
        // The bulk's length and the two enclosing lengths take 4 bytes each at 64 MiB instead of 2.
        var bulk = limit - probeOverhead - 6
        var largest = try await store.createDeal(try Self.deal("largest", bulk: bulk))
        var size = try Self.recordSize(store, revision: largest.meta.updateRevision)
        if size != limit {
            // Off by a byte or two of varint: replace it with the exact size.
            _ = try await store.deleteDeal(id: "largest")
            bulk += limit - size
            largest = try await store.createDeal(try Self.deal("largest", bulk: bulk))
            size = try Self.recordSize(store, revision: largest.meta.updateRevision)
        }
        #expect(size == limit, "the largest record is \(size) bytes, not \(limit)")

        // One byte more: refused before anything changes, whether created or grown by an update.
        let revision = store.revision
        await #expect(throws: DealStoreError.self) {
            _ = try await store.createDeal(try Self.deal("too-large", bulk: bulk + 1))
        }
        var grown = Dealstore_V1_Deal()
        grown.id = "largest"
        grown.title = largest.title + "!"
        do {
            _ = try await store.updateDeal(grown, updateMask: ["title"])
            Issue.record("an update that grows a record past the maximum was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("\(limit)"), "\(error.message)")
        }
        #expect(store.revision == revision)
        #expect((try? store.deal(id: "too-large")) == nil)
        try await store.close()

        // Replayed from the log.
        let reopened = try await TestStores.open(directory.path)
        #expect(Self.bulk(try reopened.deal(id: "largest")) >= bulk)
        try await reopened.snapshot()
        try await reopened.close()

        // Loaded from the snapshot.
        let third = try await TestStores.open(directory.path)
        #expect(Self.bulk(try third.deal(id: "largest")) >= bulk)
        #expect(try third.deal(id: "largest").title == largest.title)
        try await third.close()
    }
}
