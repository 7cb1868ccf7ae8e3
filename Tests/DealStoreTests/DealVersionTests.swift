import DealModel
import Foundation
import HashTreeCollections
import PropertyBased
import SwiftProtobuf
import Synchronization
import Testing

@testable import DealStore

@Suite("Versions: durable reads, pinned pages, kept summaries")
struct DealVersionTests {
    @Test("a write is invisible to readers until its log record is durable, and visible when its writer is told")
    func readsSeeOnlyDurableWrites() async throws {
        let directory = TemporaryDirectory()
        let sync = ControlledSync()
        let store = try await DealBatchCompletionTests.open(directory.path, sync: sync)
        let before = store.revision
        sync.configure(holdCall: 1)
        let seenByWriter = Mutex<Result<[UInt8], DealStoreError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        store.createDealSerialized(TestStores.deal("pending")) { _ in
            // Read-your-writes: by the time the writer hears of success, every read finds the deal.
            seenByWriter.withLock { $0 = Result { () throws(DealStoreError) in try store.dealBytes(id: "pending") } }
            done.signal()
        }
        // The committer is inside the deal's fdatasync: the write is applied to the working state, not durable.
        sync.entered.wait()
        let hidden = #expect(throws: DealStoreError.self) { try store.dealBytes(id: "pending") }
        #expect(hidden?.code == .notFound)
        #expect(store.revision == before)
        #expect(store.dealCount == 0)
        #expect(try store.listDeals().totalSize == 0)
        #expect(try store.summarize(groupBy: .investor).isEmpty)
        #expect(try store.exportView().count == 2)
        sync.release.signal()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                done.wait()
                continuation.resume()
            }.start()
        }
        let read = try #require(seenByWriter.withLock { $0 })
        #expect(try Dealstore_V1_Deal(serializedBytes: try read.get()).id == "pending")
        #expect(store.revision == before + 1)
        #expect(try store.dealBytesAtRevision(id: "pending").revision == before + 1)
        try await store.close()
    }

    @Test("a version taken before writes keeps reading what it held")
    func versionIsImmutable() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            for index in 0..<50 { _ = try await store.createDeal(TestStores.deal("d\(index)", amount: 100)) }
            let held = store.version
            for index in 0..<50 where index % 2 == 0 { try await store.deleteDeal(id: "d\(index)") }
            for index in 50..<80 { _ = try await store.createDeal(TestStores.deal("d\(index)", amount: 100)) }
            #expect(held.deals.count == 50)
            #expect(held.dealsByInvestor["investor"]?.count == 50)
            #expect(held.dealsByInvestor["investor"]?.all == (0..<50).map { "d\($0)" }.sorted())
            #expect(store.version.deals.count == 55)
            #expect(store.version.dealsByInvestor["investor"]?.count == 55)
        }
    }

    @Test("paging reads the revision of its first page, whatever is written meanwhile (property)")
    func pagesReadOneRevision() async throws {
        await propertyCheck(count: 10, input: Gen.int(in: 1...7), Gen.int(in: 0...1000)) { pageSize, seed in
            do {
                try await TestStores.withStore { store in
                    for id in ["target", "investor", "other"] {
                        _ = try await store.createOrganization(TestStores.organization(id))
                    }
                    for index in 0..<30 {
                        let investor = index % 3 == 0 ? "other" : "investor"
                        _ = try await store.createDeal(
                            TestStores.deal("d\(index)", investor: investor, amount: Int64(100 + (index * 37) % 50))
                        )
                    }
                    var random = Xorshift(seed: UInt64(seed) + 1)
                    let queries: [(Dealstore_V1_DealFilter, String)] = [
                        (Dealstore_V1_DealFilter(), ""),
                        (Self.investorFilter("investor"), ""),
                        (Self.investorFilter("investor"), "amount desc, id"),
                        (Dealstore_V1_DealFilter(), "amount, id desc"),
                    ]
                    for (query, (filter, orderBy)) in queries.enumerated() {
                        let expected = try store.listDeals(filter: filter, orderBy: orderBy, pageSize: 1000)
                        var seen: [String] = []
                        var token = ""
                        var round = 0
                        repeat {
                            let page = try store.listDeals(
                                filter: filter,
                                orderBy: orderBy,
                                pageSize: pageSize,
                                pageToken: token
                            )
                            #expect(page.revision == expected.revision)
                            #expect(page.totalSize == expected.totalSize)
                            seen += page.deals.map(\.id)
                            token = page.nextPageToken
                            try await Self.writeConcurrently(store, random: &random, name: "\(seed)-\(query)-\(round)")
                            round += 1
                        } while !token.isEmpty
                        // Exactly the deals of the first page's revision, in order: none added, lost or moved.
                        #expect(seen == expected.deals.map(\.id), "\(orderBy) \(filter)")
                    }
                }
            } catch {
                Issue.record(error)
            }
        }
    }

    static func investorFilter(_ id: String) -> Dealstore_V1_DealFilter {
        var filter = Dealstore_V1_DealFilter()
        filter.investorIds = [id]
        return filter
    }

    /// Creates, deletes and re-prices deals (changing their sort keys) from two tasks at once.
    static func writeConcurrently(
        _ store: DealStore,
        random: inout Xorshift,
        name: String
    ) async throws {
        let victim = "d\(random.next() % 30)"
        let repriced = "d\(random.next() % 30)"
        let amount = Int64(random.next() % 500)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = try await store.createDeal(TestStores.deal("n-\(name)", amount: amount))
            }
            group.addTask { _ = try? await store.deleteDeal(id: victim) }
            group.addTask {
                var patch = Dealstore_V1_Deal()
                patch.id = repriced
                patch.amount = TestStores.usd(amount)
                _ = try? await store.updateDeal(patch, updateMask: ["amount"])
            }
            try await group.waitForAll()
        }
    }

    @Test("the summaries kept by every write equal a scan of the deals (property)")
    func keptSummariesMatchScan() async throws {
        await propertyCheck(count: 10, input: Gen.int(in: 0...10_000)) { seed in
            do {
                try await TestStores.withStore { store in
                    for id in ["target", "investor", "other"] {
                        _ = try await store.createOrganization(TestStores.organization(id))
                    }
                    var random = Xorshift(seed: UInt64(seed) + 7)
                    for step in 0..<60 {
                        let id = "d\(random.next() % 20)"
                        switch random.next() % 4 {
                        case 0:
                            _ = try? await store.deleteDeal(id: id)
                        case 1:
                            var patch = Dealstore_V1_Deal()
                            patch.id = id
                            patch.status = random.next() % 2 == 0 ? .cancelled : .closed
                            _ = try? await store.updateDeal(patch, updateMask: ["status"])
                        default:
                            let currency = ["USD", "EUR"][Int(random.next() % 2)]
                            var deal = TestStores.deal(
                                id,
                                target: random.next() % 2 == 0 ? "target" : "other",
                                investor: random.next() % 2 == 0 ? "investor" : "other",
                                amount: Int64(random.next() % 1000),
                                currency: currency,
                                year: Int32(2020 + random.next() % 3),
                                month: Int32(1 + random.next() % 12),
                                type: random.next() % 2 == 0 ? .venture : .seed
                            )
                            if random.next() % 3 == 0 {
                                var second = Dealstore_V1_Participation()
                                second.investorID = "target"
                                second.committed = TestStores.usd(Int64(step), currency: currency)
                                deal.participations.append(second)
                            }
                            if (try? store.deal(id: id)) != nil {
                                _ = try await store.updateDeal(deal)
                            } else {
                                _ = try await store.createDeal(deal)
                            }
                        }
                    }
                    let version = store.version
                    for grouping in [Dealstore_V1_SummaryGrouping.investor, .target, .year, .quarter, .dealType] {
                        var scanned = DealSummaryIndex()
                        for entry in version.deals.values { scanned.add(entry, sign: 1, only: grouping) }
                        let kept = DealStore.summaryGroups(
                            version.summaries.groups(grouping),
                            grouping: grouping,
                            version: version
                        )
                        let scan = DealStore.summaryGroups(
                            scanned.groups(grouping),
                            grouping: grouping,
                            version: version
                        )
                        #expect(kept == scan, "\(grouping)")
                        #expect(try store.summarize(groupBy: grouping) == kept)
                    }
                }
            } catch {
                Issue.record(error)
            }
        }
    }

    @Test("the ordered id index inserts, removes and pages like a sorted array (property)")
    func sortedIDsMatchArray() async throws {
        await propertyCheck(count: 20, input: Gen.int(in: 0...100_000)) { seed in
            var random = Xorshift(seed: UInt64(seed) + 3)
            var ids = DealSortedIDs()
            var model = Set<String>()
            var versions: [(DealSortedIDs, [String])] = []
            for step in 0..<3000 {
                let id = "id-\(random.next() % 2000)"
                if random.next() % 3 == 0 {
                    #expect(ids.remove(id) == (model.remove(id) != nil))
                } else {
                    #expect(ids.insert(id) == model.insert(id).inserted)
                }
                if step % 500 == 0 { versions.append((ids, model.sorted())) }
            }
            let sorted = model.sorted()
            #expect(ids.count == sorted.count)
            #expect(ids.all == sorted)
            // Versions taken earlier are untouched by later changes.
            for (version, expected) in versions { #expect(version.all == expected) }
            if let pivot = sorted.dropFirst(sorted.count / 3).first {
                var after: [String] = []
                ids.forEach(after: pivot) { id in
                    after.append(id)
                    return after.count < 10
                }
                #expect(after == Array(sorted.filter { $0 > pivot }.prefix(10)))
            }
            #expect(DealSortedIDs(sorted.shuffled()).all == sorted)
        }
    }
}

/// A small deterministic generator, so a failing seed reproduces.
struct Xorshift {
    var state: UInt64

    init(seed: UInt64) { self.state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        self.state ^= self.state << 13
        self.state ^= self.state >> 7
        self.state ^= self.state << 17
        return self.state
    }
}
