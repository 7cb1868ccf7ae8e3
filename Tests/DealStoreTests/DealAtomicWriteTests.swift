import DealModel
import DealStore
import Foundation
import Testing

/// Issue 18: a merge of organizations (the redirect and every rewritten deal) and a batch of an import are one
/// atomic record group in the log: after a crash at any byte of their records, recovery yields all of the write or
/// none of it.
@Suite("Atomic merge and import in the log")
struct DealAtomicWriteTests {
    /// What the store holds of one write, after a recovery: nothing of it, or all of it.
    enum Outcome: Equatable {
        case none
        case all
    }

    /// A store with organizations `target`, `investor`, `old` and deals d1…d3 naming `old` (one as target, two as
    /// investor); returns the log segment's path.
    static func prepare(_ store: DealStore, _ directory: TemporaryDirectory) async throws -> String {
        _ = try await store.createOrganization(TestStores.organization("old", name: "Old Name"))
        _ = try await store.createDeal(TestStores.deal("d1", target: "old"))
        _ = try await store.createDeal(TestStores.deal("d2", investor: "old"))
        _ = try await store.createDeal(TestStores.deal("d3", investor: "old"))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("wal-") }
        #expect(names.count == 1)
        return directory.path + "/" + names[0]
    }

    /// Opens a copy of the store whose log is `log` cut to `length` bytes, and says what it holds of the write.
    static func recover(
        _ log: [UInt8],
        cutAt length: Int,
        name: String,
        outcome: (DealStore) throws -> Outcome?
    ) async throws -> Outcome? {
        let directory = TemporaryDirectory()
        try Data(log[..<length]).write(to: URL(fileURLWithPath: directory.path + "/" + name))
        let store = try await TestStores.open(directory.path)
        defer { _ = store }
        let result = try outcome(store)
        try await store.close()
        return result
    }

    /// Cuts the log at every byte from the start of the write's records to their end and checks each recovery.
    static func checkEveryCut(
        write: (DealStore) async throws -> Void,
        outcome: @escaping (DealStore) throws -> Outcome?
    ) async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.basic(directory.path)
        let path = try await Self.prepare(store, directory)
        let before = try Data(contentsOf: URL(fileURLWithPath: path)).count
        try await write(store)
        let revision = store.revision
        try await store.close()
        let log = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(log.count > before)
        let name = (path as NSString).lastPathComponent
        // The records carry the mark, so a watcher (and recovery) can tell them apart.
        var seen: [Outcome: Int] = [:]
        for length in before...log.count {
            let result = try await Self.recover(log, cutAt: length, name: name, outcome: outcome)
            let expected: Outcome = length == log.count ? .all : .none
            #expect(result == expected, "log cut at \(length) of \(log.count) bytes (write starts at \(before))")
            if let result { seen[result, default: 0] += 1 }
        }
        #expect(seen[.all] == 1 && seen[.none] == log.count - before)
        _ = revision
    }

    @Test("a merge cut at any byte of its log records recovers as no merge or the whole merge")
    func mergeIsAtomic() async throws {
        try await Self.checkEveryCut(
            write: { store in
                let merge = try await store.mergeOrganizations("old", into: "target")
                #expect(merge.updatedDealIDs == ["d1", "d2", "d3"])
                // The change feed says the events are one write: each names the merge's last revision.
                let events = try store.changes(after: merge.revision - 4, limit: 10)
                #expect(events.count == 4)
                #expect(events.allSatisfy { $0.batchLastRevision == merge.revision })
            },
            outcome: { store in
                let deals = try ["d1", "d2", "d3"].map { try store.deal(id: $0) }
                let old =
                    deals[0].targetID == "old" && deals[1].participations[0].investorID == "old"
                    && deals[2].participations[0].investorID == "old"
                let redirected =
                    deals[0].targetID == "target" && deals[1].participations[0].investorID == "target"
                    && deals[2].participations[0].investorID == "target"
                let survivor = try store.organization(id: "target")
                let sourceGone = (try? store.organization(id: "old"))?.id != "old"
                if old && !sourceGone && survivor.mergedIds.isEmpty { return Outcome.none }
                if redirected && sourceGone && survivor.mergedIds == ["old"] { return Outcome.all }
                return nil
            }
        )
    }

    @Test("an import batch cut at any byte of its log records recovers as none of it or all of it")
    func importIsAtomic() async throws {
        try await Self.checkEveryCut(
            write: { store in
                var records: [Dealstore_V1_DealRecord] = []
                for id in ["i1", "i2", "i3"] {
                    var record = Dealstore_V1_DealRecord()
                    record.deal = TestStores.deal(id)
                    records.append(record)
                }
                var organization = Dealstore_V1_DealRecord()
                organization.organization = TestStores.organization("newcomer")
                records.append(organization)
                let result = try await store.importRecords(records)
                #expect(result.created == 4)
            },
            outcome: { store in
                let present = ["i1", "i2", "i3"].filter { (try? store.deal(id: $0)) != nil }
                let organization = (try? store.organization(id: "newcomer")) != nil
                if present.isEmpty && !organization { return Outcome.none }
                if present.count == 3 && organization { return Outcome.all }
                return nil
            }
        )
    }

    @Test("a write of one change is logged as before, without the mark")
    func singleWritesUnmarked() async throws {
        try await TestStores.withStore { store in
            _ = try await store.createOrganization(TestStores.organization("target"))
            let events = try store.changes(after: 0, limit: 10)
            #expect(events.count == 1)
            #expect(events[0].batchLastRevision == 0)
        }
    }
}
