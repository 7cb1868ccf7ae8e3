import DealModel
import DealStore
import Foundation
import Testing

/// Issue 18 part 3: company context (industries, headquarters, founding date, investor types), persons, and the
/// summaries by industry and country.
@Suite("Organization context and persons")
struct DealOrganizationContextTests {
    static func date(_ year: Int32) -> Dealstore_V1_PartialDate {
        var date = Dealstore_V1_PartialDate()
        date.year = year
        date.precision = .year
        return date
    }

    static func company(_ id: String, industries: [String] = [], country: String = "") -> Dealstore_V1_Organization {
        var organization = TestStores.organization(id)
        organization.industries = industries
        if !country.isEmpty { organization.headquarters.countryCode = country }
        return organization
    }

    static func angel(_ id: String, founderOf: String = "") -> Dealstore_V1_Organization {
        var person = TestStores.organization(id)
        person.kind = .person
        person.investorTypes = [.angel]
        if !founderOf.isEmpty {
            var affiliation = Dealstore_V1_Affiliation()
            affiliation.organizationID = founderOf
            affiliation.role = .founder
            person.affiliations = [affiliation]
        }
        return person
    }

    /// The message of the error `body` throws, or nil when it does not throw.
    @Test("context fields are stored, returned and survive a restart")
    func storedAndRecovered() async throws {
        let directory = TemporaryDirectory()
        var organization = Self.company("mistral-ai", industries: ["artificial-intelligence"], country: "FR")
        organization.headquarters.city = "Paris"
        organization.founded = Self.date(2023)
        organization.investorTypes = [.corporate]
        organization.formerNames = ["Mistral SAS"]
        organization.domains = ["mistral.ai"]
        do {
            let store = try await TestStores.open(directory.path)
            let created = try await store.createOrganization(organization)
            #expect(created.headquarters.city == "Paris")
            try await store.close()
        }
        let store = try await TestStores.open(directory.path)
        let stored = try store.organization(id: "mistral-ai")
        #expect(stored.industries == ["artificial-intelligence"])
        #expect(stored.headquarters.countryCode == "FR")
        #expect(stored.founded.year == 2023)
        #expect(stored.investorTypes == [.corporate])
        // Former names and domains resolve like aliases.
        #expect(try store.organization(id: "mistral sas").id == "mistral-ai")
        #expect(try store.organization(id: "mistral.ai").id == "mistral-ai")
        try await store.close()
    }

    @Test(
        "bad context is refused with the field and what to do",
        arguments: [
            ("industries", "industries[0]"), ("country", "headquarters.country_code"),
            ("missing-country", "headquarters.country_code"), ("domain", "domains[0]"),
            ("investor-type", "investor_types[0]"), ("founded", "founded.precision"),
            ("former-name", "former_names[0]"),
        ]
    )
    func badContext(_ problem: String, field: String) async throws {
        try await TestStores.withStore { store in
            var organization = TestStores.organization("acme")
            switch problem {
            case "industries": organization.industries = ["Artificial Intelligence"]
            case "country": organization.headquarters.countryCode = "XX"
            case "missing-country": organization.headquarters.city = "Paris"
            case "domain": organization.domains = ["https://acme.com/"]
            case "investor-type": organization.investorTypes = [.unspecified]
            case "founded": organization.founded.year = 2000
            default: organization.formerNames = [" "]
            }
            let error = await TestStores.failure { _ = try await store.createOrganization(organization) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix(field + ":") == true, "\(String(describing: error))")
        }
    }

    @Test("a business angel is a PERSON that invests in a deal, with the company it founded")
    func angelInvestor() async throws {
        try await TestStores.withStore { store in
            _ = try await store.createOrganization(Self.company("linkedin"))
            _ = try await store.createOrganization(Self.company("target"))
            var person = Self.angel("reid-hoffman", founderOf: "LinkedIn")
            person.name = "Reid Hoffman"
            let created = try await store.createOrganization(person)
            // The affiliation is stored by id, as every reference.
            #expect(created.affiliations.first?.organizationID == "linkedin")
            _ = try await store.createDeal(TestStores.deal("angel-round", target: "target", investor: "Reid Hoffman"))
            var filter = Dealstore_V1_DealFilter()
            filter.investorIds = ["reid-hoffman"]
            #expect(try store.listDeals(filter: filter).deals.map(\.id) == ["angel-round"])
            let groups = try store.summarize(groupBy: .investor)
            #expect(groups.map(\.key) == ["reid-hoffman"])
        }
    }

    @Test("person rules: affiliations only on a PERSON, a PERSON only an angel, no affiliation with a person")
    func personRules() async throws {
        try await TestStores.withStore { store in
            _ = try await store.createOrganization(Self.company("linkedin"))
            var company = Self.angel("acme", founderOf: "linkedin")
            company.kind = .company
            company.investorTypes = []
            var error = await TestStores.failure { _ = try await store.createOrganization(company) }
            #expect(error?.message.hasPrefix("affiliations:") == true)

            var fund = Self.angel("someone")
            fund.investorTypes = [.ventureCapital]
            error = await TestStores.failure { _ = try await store.createOrganization(fund) }
            #expect(error?.message.hasPrefix("investor_types[0]:") == true)

            _ = try await store.createOrganization(Self.angel("first"))
            let second = Self.angel("second", founderOf: "first")
            error = await TestStores.failure { _ = try await store.createOrganization(second) }
            #expect(error?.message.hasPrefix("affiliations[0].organization_id:") == true)

            // An organization a person is affiliated with is not deleted.
            _ = try await store.createOrganization(Self.angel("founder", founderOf: "linkedin"))
            error = await TestStores.failure { try await store.deleteOrganization(id: "linkedin") }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message.contains("'founder'") == true)

            let unknown = Self.angel("third", founderOf: "nowhere")
            error = await TestStores.failure { _ = try await store.createOrganization(unknown) }
            #expect(error?.message.contains("unknown organization 'nowhere'") == true)
        }
    }

    @Test("the context fields can be updated by mask; merged_ids cannot")
    func updateMask() async throws {
        try await TestStores.withStore { store in
            _ = try await store.createOrganization(Self.company("acme"))
            var change = Self.company("acme", industries: ["robotics"], country: "DE")
            change.domains = ["acme.de"]
            let updated = try await store.updateOrganization(change, updateMask: ["industries", "headquarters"])
            #expect(updated.industries == ["robotics"])
            #expect(updated.headquarters.countryCode == "DE")
            #expect(updated.domains.isEmpty)
            change.mergedIds = ["other"]
            let error = await TestStores.failure {
                _ = try await store.updateOrganization(change, updateMask: ["merged_ids"])
            }
            #expect(error?.message.hasPrefix("update_mask[0]:") == true)
        }
    }

    @Test("summaries group by the target's industries and country; targets without them are 'unknown'")
    func summaries() async throws {
        try await TestStores.withStore { store in
            _ = try await store.createOrganization(Self.company("investor"))
            _ = try await store.createOrganization(
                Self.company("lab", industries: ["artificial-intelligence", "robotics"], country: "FR")
            )
            _ = try await store.createOrganization(Self.company("bot", industries: ["robotics"], country: "US"))
            _ = try await store.createOrganization(Self.company("plain"))
            _ = try await store.createDeal(TestStores.deal("a", target: "lab", amount: 100))
            _ = try await store.createDeal(TestStores.deal("b", target: "bot", amount: 50))
            _ = try await store.createDeal(TestStores.deal("c", target: "plain", amount: 7))
            let industries = try store.summarize(groupBy: .industry)
            #expect(industries.map(\.key) == ["robotics", "artificial-intelligence", "unknown"])
            #expect(industries[0].totals.first?.committed.units == 150)
            #expect(industries[0].dealCount == 2)
            #expect(industries[1].totals.first?.committed.units == 100)
            let countries = try store.summarize(groupBy: .country)
            #expect(countries.map(\.key) == ["FR", "US", "unknown"])
            // Filtered: the same definition over the matching deals only.
            var filter = Dealstore_V1_DealFilter()
            filter.targetID = "bot"
            #expect(try store.summarize(groupBy: .industry, filter: filter).map(\.key) == ["robotics"])
            // An organization's industries can change without any deal being written again.
            var change = Self.company("plain", industries: ["media"])
            change.id = "plain"
            _ = try await store.updateOrganization(change, updateMask: ["industries"])
            #expect(try store.summarize(groupBy: .industry).map(\.key).last == "media")
        }
    }

    @Test("the bundled data groups by industry and country")
    func seedSummaries() async throws {
        try await TestStores.withStore(seed: true) { store in
            let industries = try store.summarize(groupBy: .industry)
            #expect(industries.map(\.key) == ["artificial-intelligence"])
            #expect(industries.first?.dealCount == 5)
            let countries = try store.summarize(groupBy: .country)
            #expect(countries.map(\.key) == ["US"])
            #expect(try store.organization(id: "ft.com").id == "financial-times")
        }
    }

    @Test("the bundled deals read exactly as before, and the old JSON Lines (no context fields) still import")
    func oldFormat() async throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/identity/seed-before-issue-18.jsonl")
        let old = try DealStore.parseJSONLines(Array(try Data(contentsOf: url)))
        let new = try DealStore.seedRecords()
        func deals(_ records: [Dealstore_V1_DealRecord]) -> [Dealstore_V1_Deal] {
            records.compactMap { if case .deal(let deal)? = $0.record { deal } else { nil } }
        }
        func organizations(_ records: [Dealstore_V1_DealRecord]) -> [Dealstore_V1_Organization] {
            records.compactMap { if case .organization(let organization)? = $0.record { organization } else { nil } }
        }
        let oldDeals = deals(old)
        #expect(oldDeals.count == 5)
        #expect(oldDeals == deals(new))
        // The organizations differ only by the context fields added since.
        #expect(organizations(old).count == 7)
        for (before, after) in zip(organizations(old), organizations(new)) {
            var stripped = after
            stripped.industries = []
            stripped.clearHeadquarters()
            stripped.clearFounded()
            stripped.investorTypes = []
            stripped.domains = []
            #expect(stripped == before)
        }
        try await TestStores.withStore { store in
            let result = try await store.importRecords(old)
            #expect(result.rejections.isEmpty)
            #expect(try store.organization(id: "anthropic").industries.isEmpty)
            #expect(try store.summarize(groupBy: .industry).map(\.key) == ["unknown"])
        }
    }
}
