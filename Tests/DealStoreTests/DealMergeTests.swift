import DealModel
import DealStore
import Testing

/// Issue 18 part 5: merging organizations with a redirect, and proposing duplicate deals.
@Suite("Merges and duplicates")
struct DealMergeTests {
    /// `openai` and its duplicate `open-ai` (with a deal of its own, as investor and as target), `investor`, and a
    /// person affiliated with the duplicate.
    static func duplicated(_ store: DealStore) async throws {
        var openai = TestStores.organization("openai", name: "OpenAI")
        openai.industries = ["artificial-intelligence"]
        _ = try await store.createOrganization(openai)
        var duplicate = TestStores.organization("open-ai", name: "Open AI", aliases: ["OpenAI Inc"])
        duplicate.domains = ["openai.com"]
        duplicate.headquarters.countryCode = "US"
        duplicate.externalIds = ["crunchbase": "openai"]
        _ = try await store.createOrganization(duplicate)
        _ = try await store.createOrganization(TestStores.organization("investor"))
        var person = TestStores.organization("sam", name: "Sam")
        person.kind = .person
        var affiliation = Dealstore_V1_Affiliation()
        affiliation.organizationID = "open-ai"
        affiliation.role = .founder
        person.affiliations = [affiliation]
        _ = try await store.createOrganization(person)
        _ = try await store.createDeal(TestStores.deal("into-duplicate", target: "open-ai", investor: "investor"))
        var strategic = TestStores.deal("from-duplicate", target: "investor", investor: "open-ai")
        var term = Dealstore_V1_StrategicTerm()
        term.kind = .cloudProvider
        term.partyID = "open-ai"
        term.value = "Cloud"
        strategic.strategicTerms = [term]
        _ = try await store.createDeal(strategic)
        _ = try await store.createDeal(TestStores.deal("unrelated", target: "openai", investor: "investor"))
    }

    @Test("a merge rewrites every reference, deletes the source and keeps its id, names and domains resolving")
    func merge() async throws {
        try await TestStores.withStore { store in
            try await Self.duplicated(store)
            let before = store.revision
            let result = try await store.mergeOrganizations("open-ai", into: "openai")
            #expect(result.updatedDealIDs == ["from-duplicate", "into-duplicate"])
            #expect(result.updatedOrganizationIDs == ["sam"])
            let survivor = result.organization
            #expect(survivor.mergedIds == ["open-ai"])
            #expect(survivor.aliases == ["Open AI", "OpenAI Inc"])
            #expect(survivor.domains == ["openai.com"])
            #expect(survivor.headquarters.countryCode == "US")
            #expect(survivor.externalIds["crunchbase"] == "openai")

            // Get, lookups and filters resolve the old id, name and domain.
            for key in ["open-ai", "Open AI", "openai inc", "openai.com"] {
                #expect(try store.organization(id: key).id == "openai", "\(key)")
            }
            #expect(try store.deal(id: "into-duplicate").targetID == "openai")
            let moved = try store.deal(id: "from-duplicate")
            #expect(moved.participations.map(\.investorID) == ["openai"])
            #expect(moved.strategicTerms.map(\.partyID) == ["openai"])
            var filter = Dealstore_V1_DealFilter()
            filter.targetID = "open-ai"
            #expect(try store.listDeals(filter: filter).deals.map(\.id) == ["into-duplicate", "unrelated"])
            filter = Dealstore_V1_DealFilter()
            filter.investorIds = ["open-ai"]
            #expect(try store.listDeals(filter: filter).deals.map(\.id) == ["from-duplicate"])
            #expect(try store.timeline(of: "open-ai").organizationID == "openai")
            #expect(try store.organization(id: "sam").affiliations.first?.organizationID == "openai")
            let listed = try store.listOrganizations(query: "open-ai", kind: .unspecified)
            #expect(listed.organizations.map(\.id) == ["openai"])

            // The change feed: the deals and the person updated, the source deleted naming where it went, the
            // survivor updated.
            let events = try store.changes(after: before)
            #expect(events.count == 5)
            let deletion = try #require(events.first { $0.kind == .deleted })
            #expect(deletion.record.organization.id == "open-ai")
            #expect(deletion.mergedIntoID == "openai")
            #expect(events.last?.record.organization.id == "openai")

            // New records naming the old id are rewritten to the survivor; the old id cannot be taken again.
            let created = try await store.createDeal(TestStores.deal("later", target: "open-ai", investor: "investor"))
            #expect(created.targetID == "openai")
            let error = await TestStores.failure {
                _ = try await store.createOrganization(TestStores.organization("open-ai"))
            }
            #expect(error?.code == .alreadyExists)
        }
    }

    @Test("the redirect survives a restart (log replay) and a snapshot")
    func mergeRecovered() async throws {
        for snapshot in [false, true] {
            let directory = TemporaryDirectory()
            do {
                let store = try await TestStores.open(directory.path, snapshotEvery: snapshot ? 1 : 0)
                try await Self.duplicated(store)
                try await store.mergeOrganizations("open-ai", into: "openai")
                try await store.close()
            }
            let store = try await TestStores.open(directory.path)
            #expect(try store.organization(id: "open-ai").id == "openai")
            #expect(try store.organization(id: "openai").mergedIds == ["open-ai"])
            #expect(try store.deal(id: "into-duplicate").targetID == "openai")
            try await store.close()
        }
    }

    @Test("a merged survivor merged again keeps every old id resolving")
    func chainedMerge() async throws {
        try await TestStores.withStore { store in
            try await Self.duplicated(store)
            _ = try await store.createOrganization(TestStores.organization("openai-lp", name: "OpenAI LP"))
            try await store.mergeOrganizations("open-ai", into: "openai")
            try await store.mergeOrganizations("openai", into: "openai-lp")
            for key in ["open-ai", "openai", "openai.com"] {
                #expect(try store.organization(id: key).id == "openai-lp", "\(key)")
            }
            #expect(try store.organization(id: "openai-lp").mergedIds == ["openai", "open-ai"])
        }
    }

    @Test("merge refusals: unknown ids, names instead of ids, itself, person with company, clashes, stale etag")
    func refusals() async throws {
        try await TestStores.withStore { store in
            try await Self.duplicated(store)
            var error = await TestStores.failure { try await store.mergeOrganizations("nope", into: "openai") }
            #expect(error?.code == .notFound)
            error = await TestStores.failure { try await store.mergeOrganizations("Open AI", into: "openai") }
            #expect(error?.code == .notFound)
            #expect(error?.message.contains("resolves to 'open-ai'") == true)
            error = await TestStores.failure { try await store.mergeOrganizations("openai", into: "openai") }
            #expect(error?.code == .invalidArgument)
            error = await TestStores.failure { try await store.mergeOrganizations("sam", into: "openai") }
            #expect(error?.code == .failedPrecondition)
            error = await TestStores.failure {
                try await store.mergeOrganizations("open-ai", into: "openai", sourceEtag: "stale")
            }
            #expect(error?.code == .aborted)
            // A validate-only merge answers what would change and changes nothing.
            let revision = store.revision
            let dry = try await store.mergeOrganizations("open-ai", into: "openai", validateOnly: true)
            #expect(dry.updatedDealIDs.count == 2)
            #expect(store.revision == revision)
            #expect(try store.organization(id: "open-ai").id == "open-ai")
        }
    }

    @Test("a merge that would leave a deal invalid is refused and changes nothing")
    func invalidDealRefused() async throws {
        try await TestStores.withStore { store in
            for id in ["buyer", "target", "seller"] {
                _ = try await store.createOrganization(TestStores.organization(id))
            }
            var deal = TestStores.deal("exit", target: "target", investor: "buyer", type: .acquisition)
            var seller = Dealstore_V1_Participation()
            seller.investorID = "seller"
            seller.role = .seller
            deal.participations[0].role = .acquirer
            deal.participations.append(seller)
            _ = try await store.createDeal(deal)
            let revision = store.revision
            // The seller would become the target: refused, naming the deal.
            let error = await TestStores.failure { try await store.mergeOrganizations("seller", into: "target") }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message.contains("deal 'exit'") == true)
            #expect(store.revision == revision)
            #expect(try store.organization(id: "seller").id == "seller")
        }
    }

    @Test("duplicates: same target, close dates, similar amounts; far apart or different amounts are not proposed")
    func duplicates() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor", "other"] {
                _ = try await store.createOrganization(TestStores.organization(id))
            }
            // June 2023 (month precision) and 20 June 2023 overlap; 1,000 and 1,050 are 4.76% apart.
            _ = try await store.createDeal(TestStores.deal("a", amount: 1_000))
            var day = TestStores.deal("a-2", amount: 1_050)
            day.announced.precision = .day
            day.announced.day = 20
            _ = try await store.createDeal(day)
            // Same month, amount 50% off: not a duplicate.
            _ = try await store.createDeal(TestStores.deal("b", amount: 2_000))
            // Far apart: not a duplicate.
            _ = try await store.createDeal(TestStores.deal("c", amount: 1_000, year: 2021))
            // Another currency: compared in USD at the deals' dates (EUR 900 in June 2023 is about USD 980); EUR
            // 5,000 is far off and not proposed.
            _ = try await store.createDeal(TestStores.deal("d", amount: 900, currency: "EUR"))
            _ = try await store.createDeal(TestStores.deal("f", amount: 5_000, currency: "EUR"))
            // Another target: never paired.
            _ = try await store.createDeal(TestStores.deal("e", target: "other", amount: 1_000))
            let found = try store.duplicateDeals()
            let pairs = found.candidates.map { $0.dealIds }
            #expect(pairs.contains(["a", "a-2"]))
            #expect(!pairs.contains(["a", "b"]))
            #expect(!pairs.contains { $0.contains("c") || $0.contains("e") })
            let first = try #require(found.candidates.first { $0.dealIds == ["a", "a-2"] })
            #expect(first.daysApart == 0)
            #expect(first.amountsCompared)
            #expect(first.amountDifferenceBasisPoints == 476)
            #expect(first.reasons.contains("ids differ only by a -N suffix"))
            #expect(first.reasons.contains("same investors"))
            let euro = try #require(found.candidates.first { $0.dealIds == ["a", "d"] })
            #expect(euro.amountsCompared)
            #expect(euro.reasons.contains { $0.hasSuffix("apart in USD at the deals' dates") }, "\(euro.reasons)")
            #expect(!pairs.contains(["a", "f"]))
            // A wider tolerance proposes the 50% pair; a wider window the 2021 deal.
            #expect(try store.duplicateDeals(tolerancePercent: 60).candidates.contains { $0.dealIds == ["a", "b"] })
            #expect(
                try store.duplicateDeals(maximumDaysApart: 900).candidates.contains { $0.dealIds == ["a", "c"] }
            )
            // Filters restrict both deals of a pair.
            var filter = Dealstore_V1_DealFilter()
            filter.currencyCode = "USD"
            #expect(try store.duplicateDeals(filter: filter).candidates.allSatisfy { !$0.dealIds.contains("d") })
            let error = await TestStores.failure { _ = try store.duplicateDeals(tolerancePercent: 101) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("the bundled deals propose no duplicates (the two Google rounds are months apart)")
    func seedDuplicates() async throws {
        try await TestStores.withStore(seed: true) { store in
            let found = try store.duplicateDeals()
            #expect(found.candidates.isEmpty, "\(found.candidates)")
        }
    }
}
