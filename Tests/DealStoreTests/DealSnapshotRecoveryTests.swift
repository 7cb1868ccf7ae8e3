import DealModel
import Foundation
import HashTreeCollections
import SwiftProtobuf
import Testing

@testable import DealStore

@Suite("Snapshots: index records, the old format, damage, answers after recovery")
struct DealSnapshotRecoveryTests {
    /// Every field of an entry, so two entries compare field by field (the class has no equality of its own).
    static func fields(_ entry: DealIndexEntry) -> String {
        let contributions = entry.contributions.map {
            "\($0.investorID)/\($0.currency)/\($0.committed)/\($0.funded)"
        }
        return [
            "\(entry.bytes)", entry.id, entry.targetID, "\(entry.investorIDs)", "\(entry.leadMask)",
            "\(entry.extraLeadIDs)", "\(entry.extraReferences)", "\(entry.type)", "\(entry.status)",
            "\(entry.announcedStart)", "\(entry.announcedEnd)", "\(entry.announcedYear)", "\(entry.announcedQuarter)",
            entry.amountCurrency, "\(entry.amountNanos)", "\(entry.hasAmount)", "\(entry.updateRevision)",
            "\(entry.claimCount)", "\(contributions)",
        ].joined(separator: "|")
    }

    static func snapshotPath(_ directory: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".snap") }
        return directory + "/" + (try #require(names.sorted().last))
    }

    /// The seed dataset, 60 generated deals and one that exercises the rarer index fields, snapshotted.
    static func seededSnapshot(_ directory: String) async throws -> DealStore {
        let store = try await TestStores.open(directory, seed: true)
        try await DealQueryTests.populated(store, count: 60)
        // The target also invests, and a tranche names an organization that neither is the target nor invests.
        var deal = TestStores.deal("self-invest", target: "target", investor: "target", amount: 5)
        var tranche = Dealstore_V1_Tranche()
        tranche.id = "t1"
        tranche.investorID = "other"
        tranche.amount = TestStores.usd(3)
        tranche.status = .funded
        deal.tranches = [tranche]
        _ = try await store.createDeal(deal)
        try await store.snapshot()
        return store
    }

    /// Writes a snapshot in the first format: deals as `D` records holding only their protobuf bytes.
    static func writeOldFormat(_ state: DealStoreState, directory: String) throws {
        var buffer: [UInt8] = []
        let header = { (tag: Character) in
            DealSnapshotFile.header(
                tag: UInt8(ascii: tag.unicodeScalars.first!),
                revision: state.revision,
                organizations: state.organizations.count,
                deals: state.deals.count
            )
        }
        DealLogFrame.append(header("H"), to: &buffer)
        for id in state.organizations.keys.sorted() {
            DealLogFrame.append([UInt8(ascii: "O")] + (try state.organizations[id]!.serializedBytes()), to: &buffer)
        }
        for entry in state.deals.values { DealLogFrame.append([UInt8(ascii: "D")] + entry.bytes, to: &buffer) }
        DealLogFrame.append(header("E"), to: &buffer)
        try Data(buffer).write(
            to: URL(fileURLWithPath: directory + "/" + DealRecovery.snapshotName(revision: state.revision))
        )
    }

    /// What a client sees: pages by investor and target, a summary, the counts.
    static func answers(_ store: DealStore) throws -> [String] {
        var answers = ["deals \(store.dealCount)", "organizations \(store.organizationCount)"]
        for investor in ["investor", "other", "target"] {
            var filter = Dealstore_V1_DealFilter()
            filter.investorIds = [investor]
            let page = try store.listDeals(filter: filter, orderBy: "amount desc, id", pageSize: 1000)
            answers.append("investor \(investor): \(page.totalSize) \(page.deals.map(\.id))")
        }
        for target in ["target", "other"] {
            var filter = Dealstore_V1_DealFilter()
            filter.targetID = target
            let page = try store.listDeals(filter: filter, orderBy: "id", pageSize: 1000)
            answers.append("target \(target): \(page.totalSize) \(page.deals.map(\.id))")
        }
        for grouping in [Dealstore_V1_SummaryGrouping.investor, .target, .year] {
            let groups = try store.summarize(groupBy: grouping)
            answers.append("summary \(grouping): " + (try groups.map { try $0.jsonString() }.joined(separator: ",")))
        }
        let all = try DealQueryTests.collect(store, orderBy: "id", pageSize: 500)
        answers.append("all: \(all.map(\.id))")
        return answers
    }

    @Test("snapshot index records equal what decoding each deal gives, and the indexes equal one-by-one inserts")
    func roundTrip() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.seededSnapshot(directory.path)
        try await store.close()
        let state = try DealSnapshotFile.load(path: try Self.snapshotPath(directory.path), historyLimit: 10)
        #expect(state.deals.count > 60)
        var exact = DealStoreState()
        for entry in state.deals.values {
            let decoded = DealIndexEntry(deal: try Dealstore_V1_Deal(serializedBytes: entry.bytes), bytes: entry.bytes)
            #expect(Self.fields(entry) == Self.fields(decoded))
            exact.putDeal(decoded)
        }
        #expect(state.dealsByTarget == exact.dealsByTarget)
        #expect(state.dealsByInvestor == exact.dealsByInvestor)
        #expect(state.referenceCounts == exact.referenceCounts)
        #expect(state.referenceCounts["target"] == exact.referenceCounts["target"])
        #expect(state.referenceCounts["other"] != nil)
        // The summary totals built in bulk answer as those kept by one-by-one inserts.
        for grouping in [Dealstore_V1_SummaryGrouping.investor, .target, .year, .quarter, .dealType] {
            #expect(
                DealStore.summaryGroups(
                    state.summaries.groups(grouping),
                    grouping: grouping,
                    version: DealVersion(state)
                )
                    == DealStore.summaryGroups(
                        exact.summaries.groups(grouping),
                        grouping: grouping,
                        version: DealVersion(state)
                    ),
                "\(grouping)"
            )
        }
    }

    @Test("a snapshot of the first format (protobuf-only deal records) is still read, with the same answers")
    func oldFormat() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.seededSnapshot(directory.path)
        let expected = try Self.answers(store)
        try await store.close()
        let state = try DealSnapshotFile.load(path: try Self.snapshotPath(directory.path), historyLimit: 10)

        let old = TemporaryDirectory()
        try Self.writeOldFormat(state, directory: old.path)
        let reopened = try await TestStores.open(old.path)
        #expect(try Self.answers(reopened) == expected)
        try await reopened.close()
        let loaded = try DealSnapshotFile.load(path: try Self.snapshotPath(old.path), historyLimit: 10)
        for (id, entry) in state.deals { #expect(Self.fields(entry) == Self.fields(try #require(loaded.deals[id]))) }
    }

    @Test("a damaged snapshot is refused with the file and the offset of the damaged record")
    func damaged() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.seededSnapshot(directory.path)
        try await store.close()
        let path = try Self.snapshotPath(directory.path)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let frames = DealLogFrame.scan(original).frames
        let victim = frames[frames.count - 3]  // a deal record near the end
        let frameOffset = victim.lowerBound - DealLogFrame.headerSize

        var flipped = original
        flipped[victim.lowerBound + 5] ^= 0x40
        try Data(flipped).write(to: URL(fileURLWithPath: path))
        let crc = #expect(throws: DealSnapshotFile.Invalid.self) {
            try DealSnapshotFile.load(path: path, historyLimit: 10)
        }
        #expect(crc?.description.contains(path) == true)
        #expect(crc?.description.contains("offset \(frameOffset)") == true)
        #expect(crc?.description.contains("CRC-32C mismatch") == true)

        // Cut inside the same record: a truncated copy.
        try Data(original[..<(victim.lowerBound + 3)]).write(to: URL(fileURLWithPath: path))
        let truncated = #expect(throws: DealSnapshotFile.Invalid.self) {
            try DealSnapshotFile.load(path: path, historyLimit: 10)
        }
        #expect(truncated?.description.contains("offset \(frameOffset)") == true)
        #expect(truncated?.description.contains("truncated") == true)

        // The store refuses to start rather than serve without the snapshot's records, and says why.
        let opened = await #expect(throws: DealStoreError.self) { try await TestStores.open(directory.path) }
        #expect(opened?.code == .dataLoss)
        #expect(opened?.message.contains("offset \(frameOffset)") == true)
        #expect(opened?.message.contains(URL(fileURLWithPath: path).lastPathComponent) == true)
        let report = try DealStore.check(directory: directory.path, logger: TestStores.quietLogger)
        #expect(!report.isHealthy)
    }

    @Test("a deleted snapshot is refused once compaction removed the log it covers, not opened as an empty store")
    func missingSnapshot() async throws {
        let directory = TemporaryDirectory()
        let store = try await Self.seededSnapshot(directory.path)
        let digest = store.stateDigest()
        try await store.close()
        // While the log segments hold the whole history, they restore the store without the snapshot.
        let copy = TemporaryDirectory()
        try? FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: directory.path, toPath: copy.path)
        try FileManager.default.removeItem(atPath: try Self.snapshotPath(copy.path))
        let fromLog = try await TestStores.open(copy.path)
        #expect(fromLog.stateDigest() == digest)
        try await fromLog.close()

        let reopened = try await TestStores.open(directory.path)
        #expect(try await reopened.compactHistory(through: reopened.revision) == reopened.revision)
        try await reopened.close()
        try FileManager.default.removeItem(atPath: try Self.snapshotPath(directory.path))
        let opened = await #expect(throws: DealStoreError.self) { try await TestStores.open(directory.path) }
        #expect(opened?.code == .dataLoss)
        #expect(opened?.message.contains("no snapshot holds revisions 1 to") == true)
        let report = try DealStore.check(directory: directory.path, logger: TestStores.quietLogger)
        #expect(!report.isHealthy)
    }

    @Test("after recovery (snapshot, then log records) queries give the same answers as before the restart")
    func sameAnswers() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path)
        try await DealQueryTests.populated(store, count: 120)
        try await store.snapshot()
        // Changes after the snapshot, replayed from the log: an update, a delete, a new deal.
        var changed = try store.deal(id: "d7")
        changed.participations[0].investorID = "other"
        _ = try await store.updateDeal(changed)
        _ = try await store.deleteDeal(id: "d8")
        _ = try await store.createDeal(TestStores.deal("late", target: "other", investor: "investor", amount: 9))
        let expected = try Self.answers(store)
        try await store.close()

        let reopened = try await TestStores.open(directory.path)
        #expect(try Self.answers(reopened) == expected)
        try await reopened.close()
    }
}
