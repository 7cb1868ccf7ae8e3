import DealModel
import DealStore
import PropertyBased
import Testing

@Suite("Filters, ordering and pagination")
struct DealQueryTests {
    static func populated(_ store: DealStore, count: Int) async throws {
        for id in ["target", "investor", "other"] {
            _ = try await store.createOrganization(TestStores.organization(id))
        }
        for index in 0..<count {
            let deal = TestStores.deal(
                "d\(index)",
                target: index % 2 == 0 ? "target" : "other",
                investor: index % 3 == 0 ? "other" : "investor",
                amount: Int64((index * 37) % 11) * 100,
                currency: index % 5 == 0 ? "EUR" : "USD",
                year: 2020 + Int32(index % 4),
                month: Int32(index % 12) + 1,
                type: index % 2 == 0 ? .venture : .seed
            )
            _ = try await store.createDeal(deal)
        }
    }

    static func collect(
        _ store: DealStore,
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter(),
        orderBy: String,
        pageSize: Int
    ) throws -> [Dealstore_V1_Deal] {
        var all: [Dealstore_V1_Deal] = []
        var token = ""
        repeat {
            let page = try store.listDeals(filter: filter, orderBy: orderBy, pageSize: pageSize, pageToken: token)
            all += page.deals
            token = page.nextPageToken
        } while !token.isEmpty
        return all
    }

    @Test(
        "filters select exactly the matching deals",
        arguments: [
            ("target", 20), ("investor", 26), ("lead", 14), ("type", 20), ("dates", 10), ("amount", 14),
            ("currency", 8), ("query", 20),
        ]
    )
    func filters(name: String, expected: Int) async throws {
        try await TestStores.withStore { store in
            try await Self.populated(store, count: 40)
            var filter = Dealstore_V1_DealFilter()
            switch name {
            case "target": filter.targetID = "Target"
            case "investor": filter.investorIds = ["investor"]
            case "lead": filter.leadInvestorID = "other"
            case "type": filter.types = [.seed]
            case "dates":
                filter.announcedFrom.year = 2021
                filter.announcedFrom.precision = .year
                filter.announcedTo.year = 2021
                filter.announcedTo.precision = .year
            case "amount":
                filter.minAmount = TestStores.usd(500)
                filter.maxAmount = TestStores.usd(900)
            case "currency": filter.currencyCode = "EUR"
            default: filter.query = "TARGET"
            }
            let page = try store.listDeals(filter: filter, pageSize: 1000)
            #expect(page.totalSize == expected)
            #expect(page.deals.count == expected)
        }
    }

    @Test("strategic term filter, summaries by year and type, top deals")
    func aggregates() async throws {
        try await TestStores.withStore(seed: true) { store in
            var filter = Dealstore_V1_DealFilter()
            filter.strategicTerm = "tpu"
            #expect(try store.listDeals(filter: filter).deals.map(\.id) == ["google-anthropic-2023-02"])
            let byYear = try store.summarize(groupBy: .year)
            #expect(byYear.map(\.key) == ["2019", "2023"])
            let byQuarter = try store.summarize(groupBy: .quarter)
            // Microsoft's 2023 deal is dated to the year only: its article says "nearly four years" after 2019.
            #expect(byQuarter.map(\.key) == ["2019-Q?", "2023-Q1", "2023-Q3", "2023-Q4", "2023-Q?"])
            let top = try store.topDeals(limit: 2, currencyCode: "USD")
            #expect(top.map(\.id) == ["microsoft-openai-2023", "google-anthropic-2023-10"])
            let byType = try store.summarize(groupBy: .dealType)
            #expect(byType.first?.key == "DEAL_TYPE_CORPORATE_STRATEGIC")
            #expect(byType.first?.dealCount == 5)
        }
    }

    @Test("paging in any order returns every match once, in order")
    func ordering() async throws {
        try await TestStores.withStore { store in
            try await Self.populated(store, count: 30)
            for orderBy in ["", "amount desc, id", "announced, id desc", "update_revision desc"] {
                let paged = try Self.collect(store, orderBy: orderBy, pageSize: 7)
                let whole = try store.listDeals(orderBy: orderBy, pageSize: 1000).deals
                #expect(paged.map(\.id) == whole.map(\.id), "\(orderBy)")
                #expect(Set(paged.map(\.id)).count == 30)
            }
            let amounts = try store.listDeals(orderBy: "amount desc, id", pageSize: 1000).deals
            #expect(zip(amounts, amounts.dropFirst()).allSatisfy { $0.amount.units >= $1.amount.units })
            let reused = #expect(throws: DealStoreError.self) {
                let token = try store.listDeals(orderBy: "amount", pageSize: 2).nextPageToken
                _ = try store.listDeals(orderBy: "id", pageSize: 2, pageToken: token)
            }
            #expect(reused?.code == .invalidArgument)
            let garbage = #expect(throws: DealStoreError.self) { try store.listDeals(pageToken: "%%%") }
            #expect(garbage?.code == .invalidArgument)
        }
    }

    @Test("pages stay stable under concurrent writes (property)")
    func stableUnderWrites() async throws {
        await propertyCheck(count: 8, input: Gen.int(in: 1...9), Gen.int(in: 0...20)) { pageSize, seed in
            do {
                try await TestStores.withStore { store in
                    try await Self.populated(store, count: 25)
                    let before = Set(try store.listDeals(pageSize: 1000).deals.map(\.id))
                    var seen: [String] = []
                    var token = ""
                    var round = 0
                    repeat {
                        let page = try store.listDeals(orderBy: "amount desc, id", pageSize: pageSize, pageToken: token)
                        seen += page.deals.map(\.id)
                        token = page.nextPageToken
                        // Concurrent writers: new deals and deletions of deals not yet or already seen.
                        let current = round
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                _ = try await store.createDeal(TestStores.deal("new-\(seed)-\(current)", amount: 500))
                            }
                            group.addTask {
                                _ = try? await store.deleteDeal(id: "d\((seed + current * 7) % 25)")
                            }
                            try await group.waitForAll()
                        }
                        round += 1
                    } while !token.isEmpty
                    #expect(Set(seen).count == seen.count, "a deal was returned twice")
                    let after = Set(try store.listDeals(pageSize: 1000).deals.map(\.id))
                    // Every original deal still present at the end was seen.
                    #expect(before.intersection(after).isSubset(of: Set(seen)))
                }
            } catch {
                Issue.record(error)
            }
        }
    }
}
