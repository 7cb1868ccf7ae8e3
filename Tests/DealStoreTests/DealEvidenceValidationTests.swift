import DealModel
import DealStore
import Testing

@Suite("Evidence validation")
struct DealEvidenceValidationTests {
    /// A deal with two sources: `article` quotes `release` (derives from it), and `other`, unrelated.
    static func sourcedDeal() -> Dealstore_V1_Deal {
        var deal = TestStores.deal("d1")
        func source(_ id: String, excerpts: [String] = [], derivedFrom: [String] = []) -> Dealstore_V1_Source {
            var source = Dealstore_V1_Source()
            source.id = id
            source.derivedFromSourceIds = derivedFrom
            source.excerpts = excerpts.map { id in
                var excerpt = Dealstore_V1_Excerpt()
                excerpt.id = id
                excerpt.text = "words of \(id)"
                excerpt.paragraph = 1
                excerpt.sentence = 1
                return excerpt
            }
            return source
        }
        deal.sources = [
            source("article", excerpts: ["quote"], derivedFrom: ["release"]),
            source("release"),
            source("other", excerpts: ["elsewhere"]),
        ]
        deal.participations[0].sourceIds = ["release"]
        deal.participations[0].evidence = [Self.evidence("committed", "quote")]
        var claim = Dealstore_V1_DisputedClaim()
        claim.id = "c1"
        claim.field = "target_id"
        claim.claimedValue = "other"
        claim.sourceID = "article"
        claim.evidence = [Self.evidence("claimed_value", "quote")]
        deal.disputedClaims = [claim]
        deal.evidence = [Self.evidence("amount", "quote", "elsewhere")]
        return deal
    }

    static func evidence(_ field: String, _ ids: String...) -> Dealstore_V1_Evidence {
        var evidence = Dealstore_V1_Evidence()
        evidence.field = field
        evidence.excerptIds = ids
        return evidence
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let field: String
        let problem: String
        let mutate: @Sendable (inout Dealstore_V1_Deal) -> Void
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(name: "unknown excerpt", field: "participations[0].evidence[0].excerpt_ids[0]", problem: "unknown excerpt")
        {
            $0.participations[0].evidence = [Self.evidence("committed", "nowhere")]
        },
        Case(
            name: "excerpt of a source the figure does not cite",
            field: "participations[0].evidence[0].excerpt_ids[0]",
            problem: "excerpt 'elsewhere' is on source 'other'"
        ) {
            $0.participations[0].evidence = [Self.evidence("committed", "elsewhere")]
        },
        Case(
            name: "claim quoting another source than its own",
            field: "disputed_claims[0].evidence[0].excerpt_ids[0]",
            problem: "excerpt 'elsewhere' is on source 'other'"
        ) {
            $0.disputedClaims[0].evidence = [Self.evidence("claimed_value", "elsewhere")]
        },
        Case(name: "no field", field: "participations[0].evidence[0].field", problem: "is required") {
            $0.participations[0].evidence = [Self.evidence("", "quote")]
        },
        Case(name: "not a field", field: "evidence[0].field", problem: "'valuation' is not a field") {
            $0.evidence = [Self.evidence("valuation", "quote")]
        },
        Case(name: "no excerpt", field: "tranches[0].evidence[0].excerpt_ids", problem: "cite at least one") { deal in
            var tranche = Dealstore_V1_Tranche()
            tranche.id = "t1"
            tranche.investorID = "investor"
            tranche.amount = TestStores.usd(10)
            tranche.evidence = [Self.evidence("amount")]
            deal.tranches = [tranche]
        },
        Case(name: "same field twice", field: "evidence[1].field", problem: "duplicate evidence for 'amount'") {
            $0.evidence.append(Self.evidence("amount", "quote"))
        },
        Case(name: "duplicate excerpt ids", field: "sources[2].excerpts[0].id", problem: "duplicate excerpt id") {
            $0.sources[2].excerpts[0].id = "quote"
        },
        Case(name: "empty excerpt", field: "sources[0].excerpts[0].text", problem: "is required") {
            $0.sources[0].excerpts[0].text = "  "
        },
        Case(name: "sentence without paragraph", field: "sources[0].excerpts[0].paragraph", problem: "is required") {
            $0.sources[0].excerpts[0].paragraph = 0
        },
        Case(
            name: "derived from an unknown source",
            field: "sources[0].derived_from_source_ids[0]",
            problem: "unknown source 'release-2'"
        ) {
            $0.sources[0].derivedFromSourceIds = ["release-2"]
        },
        Case(name: "derived from itself", field: "sources[0].derived_from_source_ids[0]", problem: "itself") {
            $0.sources[0].derivedFromSourceIds = ["article"]
        },
        Case(
            name: "a source's date from another source's words",
            field: "sources[0].evidence[0].excerpt_ids[0]",
            problem: "excerpt 'elsewhere' is on source 'other'"
        ) {
            $0.sources[0].evidence = [Self.evidence("published", "elsewhere")]
        },
    ]

    @Test("evidence that does not resolve is refused with a message naming the field", arguments: Self.cases)
    func invalidEvidence(testCase: Case) async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            var deal = Self.sourcedDeal()
            testCase.mutate(&deal)
            let error = await #expect(throws: DealStoreError.self) { try await store.createDeal(deal) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix(testCase.field + ":") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(testCase.problem) == true, "\(error?.message ?? "")")
            #expect(store.dealCount == 0)
        }
    }

    @Test("a figure sourced to a release may cite the article that quotes it; evidence is stored and read back")
    func resolvingEvidenceIsKept() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            let created = try await store.createDeal(Self.sourcedDeal())
            let stored = try store.deal(id: created.id)
            #expect(stored.participations[0].evidence == [Self.evidence("committed", "quote")])
            #expect(stored.sources[0].excerpts.map(\.id) == ["quote"])
            #expect(stored.evidence.first?.excerptIds == ["quote", "elsewhere"])
        }
    }

    @Test("an organization's facts must cite excerpts of its own sources")
    func organizationFacts() async throws {
        try await TestStores.withStore { store in
            var organization = TestStores.organization("lab")
            var source = Dealstore_V1_Source()
            source.id = "article"
            var excerpt = Dealstore_V1_Excerpt()
            excerpt.id = "founded"
            excerpt.text = "Lancée en 2015"
            source.excerpts = [excerpt]
            organization.sources = [source]
            var fact = Dealstore_V1_Fact()
            fact.id = "founded"
            fact.property = "founded"
            fact.value = "2015"
            fact.sourceIds = ["article"]
            fact.evidence = [Self.evidence("value", "missing")]
            organization.facts = [fact]
            let error = await #expect(throws: DealStoreError.self) {
                try await store.createOrganization(organization)
            }
            #expect(error?.message.hasPrefix("facts[0].evidence[0].excerpt_ids[0]: unknown excerpt") == true)
            organization.facts[0].sourceIds = ["elsewhere"]
            let unknownSource = await #expect(throws: DealStoreError.self) {
                try await store.createOrganization(organization)
            }
            #expect(unknownSource?.message.hasPrefix("facts[0].source_ids[0]: unknown source") == true)
            organization.facts[0].sourceIds = ["article"]
            organization.facts[0].evidence = [Self.evidence("value", "founded")]
            let created = try await store.createOrganization(organization)
            #expect(created.facts.first?.evidence.first?.excerptIds == ["founded"])
        }
    }
}
