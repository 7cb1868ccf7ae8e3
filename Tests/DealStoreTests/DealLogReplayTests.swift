import DealModel
import DealStore
import Foundation
import Testing

/// Recovery's replay of a long log alone (no snapshot): ten atomic import batches, then updates and deletes, give
/// the store that wrote them, and a cut anywhere in the import keeps whole batches only.
@Suite("Log replay of a long log")
struct DealLogReplayTests {
    /// 10,000 deals imported (atomic batches of 1,000: revisions 4–1003, 1004–2003, ...), then updates and deletes;
    /// returns the log, its file name, the last revision and the summary by investor.
    static func writeLog() async throws -> (
        log: [UInt8], name: String, revision: UInt64, summary: [Dealstore_V1_SummaryGroup]
    ) {
        let directory = TemporaryDirectory()
        let store = try await TestStores.basic(directory.path)
        let records = (0..<10_000).map { index in
            var record = Dealstore_V1_DealRecord()
            record.deal = TestStores.deal(
                "d\(index)",
                investor: index % 3 == 0 ? "other" : "investor",
                amount: Int64(index + 1),
                year: 2000 + Int32(index % 20)
            )
            return record
        }
        let imported = try await store.importRecords(records)
        #expect(imported.created == 10_000)
        for index in stride(from: 0, to: 10_000, by: 97) {
            var deal = try store.deal(id: "d\(index)")
            deal.title = "updated \(index)"
            _ = try await store.updateDeal(deal)
        }
        for index in stride(from: 5, to: 10_000, by: 101) { _ = try await store.deleteDeal(id: "d\(index)") }
        let revision = store.revision
        let summary = try store.summarize(groupBy: .investor)
        try await store.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("wal-") }
        #expect(names.count == 1)
        let log = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + names[0])))
        return (log, names[0], revision, summary)
    }

    static func open(_ log: ArraySlice<UInt8>, name: String) async throws -> (DealStore, TemporaryDirectory) {
        let directory = TemporaryDirectory()
        try Data(log).write(to: URL(fileURLWithPath: directory.path + "/" + name))
        return (try await TestStores.open(directory.path), directory)
    }

    @Test("a 10,000-record log replays to the store that wrote it; a cut keeps only whole import batches")
    func replay() async throws {
        let written = try await Self.writeLog()
        let (store, directory) = try await Self.open(written.log[...], name: written.name)
        #expect(store.revision == written.revision)
        #expect(store.dealCount == 10_000 - 99)
        #expect(try store.summarize(groupBy: .investor) == written.summary)
        #expect(try store.deal(id: "d4850").title == "updated 4850")
        #expect(try store.deal(id: "d4096").participations.first?.committed.units == 4097)
        try await store.close()
        _ = directory
        // Cuts inside the import: whatever the cut, whole batches survive (revision 3 + 1,000 × n).
        for fraction in [0.12, 0.37, 0.45, 0.52, 0.81] {
            let cut = Int(Double(written.log.count) * fraction * 0.9)
            let (partial, partialDirectory) = try await Self.open(written.log[..<cut], name: written.name)
            let revision = partial.revision
            #expect(revision >= 3 && (revision - 3) % 1_000 == 0, "cut at \(cut): revision \(revision)")
            #expect(UInt64(partial.dealCount) == revision - 3, "cut at \(cut)")
            try await partial.close()
            _ = partialDirectory
        }
    }
}
