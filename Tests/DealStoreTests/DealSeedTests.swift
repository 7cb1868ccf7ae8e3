import DealModel
import DealStore
import Testing

@Suite("Bundled dataset")
struct DealSeedTests {
    static func total(_ groups: [Dealstore_V1_SummaryGroup], _ key: String) -> (committed: Int64, funded: Int64)? {
        guard let group = groups.first(where: { $0.key == key }),
            let usd = group.totals.first(where: { $0.currencyCode == "USD" })
        else { return nil }
        return (usd.committed.units, usd.funded.units)
    }

    @Test("seed loads on first start and the required totals are exact")
    func seedTotals() async throws {
        try await TestStores.withStore(seed: true) { store in
            #expect(store.dealCount == 5)
            var filter = Dealstore_V1_DealFilter()
            filter.targetID = "Anthropic"
            let byInvestor = try store.summarize(groupBy: .investor, filter: filter)
            let amazon = try #require(Self.total(byInvestor, "amazon"))
            #expect(amazon.committed == 4_000_000_000)
            #expect(amazon.funded == 4_000_000_000)
            let google = try #require(Self.total(byInvestor, "google"))
            #expect(google.committed == 2_300_000_000)
            #expect(google.funded == 800_000_000)
            #expect(byInvestor.first { $0.key == "google" }?.dealCount == 2)
            var microsoftFilter = Dealstore_V1_DealFilter()
            microsoftFilter.investorIds = ["MSFT"]
            let microsoft = try store.listDeals(filter: microsoftFilter, orderBy: "announced")
            #expect(microsoft.deals.map(\.id) == ["microsoft-openai-2019", "microsoft-openai-2023"])
        }
    }

    @Test("the Amazon deal: option exercised by a funded tranche, minority stake")
    func amazonDeal() async throws {
        try await TestStores.withStore(seed: true) { store in
            let deal = try store.deal(id: "amazon-anthropic-2023")
            #expect(deal.amount.units == 1_250_000_000)
            #expect(deal.commitmentCap.units == 4_000_000_000)
            #expect(deal.options.first?.exercisedByTrancheID == "option-exercise")
            #expect(deal.tranches.allSatisfy { $0.status == .funded })
            #expect(deal.participations.first?.stake.upperBound == true)
            #expect(deal.participations.first?.stake.approximate == true)
            #expect(deal.strategicTerms.map(\.value).contains("Trainium"))
            #expect(deal.meta.etag.isEmpty == false)
        }
    }

    @Test("the erroneous statements are kept as disputed claims beside the accepted values")
    func conflicts() async throws {
        try await TestStores.withStore(seed: true) { store in
            let conflicts = try store.conflicts().conflicts
            #expect(conflicts.count == 3)
            let google = try #require(conflicts.first { $0.dealID == "google-anthropic-2023-10" })
            #expect(google.claim.claimedValue == "openai")
            #expect(google.claim.acceptedValue == "anthropic")
            #expect(google.source.id == "seed-004")
            let microsoft = try #require(conflicts.first { $0.dealID == "microsoft-openai-2023" })
            #expect(microsoft.claim.claimedValue == "anthropic")
            // Seed article 000 names no publisher of its own; it credits TechCrunch, a source of the same record.
            #expect(microsoft.source.id == "seed-000")
            #expect(microsoft.source.derivedFromSourceIds == ["techcrunch-article"])
            let page1 = try store.conflicts(pageSize: 2)
            #expect(page1.conflicts.count == 2)
            let page2 = try store.conflicts(pageSize: 2, pageToken: page1.nextPageToken)
            #expect(page2.conflicts.count == 1)
            #expect(page2.nextPageToken.isEmpty)
        }
    }

    @Test("the seed is loaded only into an empty store, and export round-trips it")
    func seedOnce() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path, seed: true)
        _ = try await store.deleteDeal(id: "microsoft-openai-2019")
        let exported = try store.exportRecords()
        #expect(exported.prefix(7).allSatisfy { $0.organization.id.isEmpty == false })
        try await store.close()
        let reopened = try await TestStores.open(directory.path, seed: true)
        #expect(reopened.dealCount == 4)
        let jsonl = try DealStore.formatJSONLines(exported)
        let parsed = try DealStore.parseJSONLines(Array(jsonl.utf8))
        #expect(parsed == exported)
        try await reopened.close()
    }

    @Test(
        "lookups accept ids, names and aliases case-insensitively",
        arguments: ["google", "Google", "alphabet", "GOOGLE CLOUD"]
    )
    func lookups(key: String) async throws {
        try await TestStores.withStore(seed: true) { store in
            let organization = try store.organization(id: key)
            #expect(organization.id == "google")
            let coInvestors = try store.coInvestors(of: key)
            #expect(coInvestors.map(\.organizationID) == ["amazon"])
        }
    }

    @Test("timeline and valuation history of Anthropic")
    func timeline() async throws {
        try await TestStores.withStore(seed: true) { store in
            let timeline = try store.timeline(of: "anthropic")
            #expect(timeline.valuations.count == 1)
            #expect(timeline.valuations.first?.amount.units == 5_000_000_000)
            let keys = timeline.events.map { $0.date.year * 100 + $0.date.month }
            #expect(keys == keys.sorted())
            #expect(timeline.events.contains { $0.kind == .optionExpiry })
        }
    }
}
