import DealModel
import DealStore
import Foundation
import Testing

/// Issue 18 part 6: typed disputed claims, participation ids, claims on organizations, claim statuses, and the
/// sources query; and the old formats (untyped claims in a JSON Lines line and in a log written before) read as
/// they were.
@Suite("Typed claims and sources")
struct DealClaimsTests {
    static func source(_ id: String, publisher: String = "Financial Times") -> Dealstore_V1_Source {
        var source = Dealstore_V1_Source()
        source.id = id
        source.publisher = publisher
        source.title = "An article"
        return source
    }

    static func claim(
        _ id: String = "c1",
        field: String,
        claimed: Dealstore_V1_ClaimValue.OneOf_Value,
        source: String = "ft"
    ) -> Dealstore_V1_DisputedClaim {
        var claim = Dealstore_V1_DisputedClaim()
        claim.id = id
        claim.field = field
        claim.claimed.value = claimed
        claim.sourceID = source
        claim.explanation = "The article says otherwise."
        return claim
    }

    /// `TestStores.deal` with a source `ft` and a typed claim that the amount was USD 2,000 (the record: 1,000).
    static func claimedDeal(_ id: String = "d1") -> Dealstore_V1_Deal {
        var deal = TestStores.deal(id)
        deal.sources = [Self.source("ft")]
        deal.disputedClaims = [Self.claim(field: "amount", claimed: .money(TestStores.usd(2_000)))]
        return deal
    }

    static func store(_ body: (DealStore) async throws -> Void) async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.basic(directory.path)
        do {
            try await body(store)
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }

    static func expectInvalid(
        _ problem: String,
        at field: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("no error; expected \(field): \(problem)", sourceLocation: sourceLocation)
        } catch let error as DealStoreError {
            #expect(error.code == .invalidArgument, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.hasPrefix(field + ":"), "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(problem), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Participation ids

    @Test("participations get ids on write (the investor, then -2), kept as given and again on an update without")
    func participationIDs() async throws {
        try await Self.store { store in
            var deal = TestStores.deal("d1")
            deal.participations.append(deal.participations[0])
            deal.participations[1].role = .participant
            var third = deal.participations[0]
            third.investorID = "other"
            third.id = "other-lead"
            deal.participations.append(third)
            let stored = try await store.createDeal(deal)
            #expect(stored.participations.map(\.id) == ["investor", "investor-2", "other-lead"])
            // An update that sends the participations without ids gets the same ones back.
            var change = Dealstore_V1_Deal()
            change.id = "d1"
            change.participations = deal.participations.map { participation in
                var participation = participation
                if participation.id != "other-lead" { participation.id = "" }
                return participation
            }
            let updated = try await store.updateDeal(change, updateMask: ["participations"])
            #expect(updated.participations.map(\.id) == ["investor", "investor-2", "other-lead"])
            var duplicate = TestStores.deal("d2")
            duplicate.participations.append(duplicate.participations[0])
            duplicate.participations[0].id = "same"
            duplicate.participations[1].id = "same"
            await Self.expectInvalid("duplicate id 'same'", at: "participations[1].id") {
                _ = try await store.createDeal(duplicate)
            }
            var bad = TestStores.deal("d3")
            bad.participations[0].id = "Not An Id"
            await Self.expectInvalid("not a valid id", at: "participations[0].id") {
                _ = try await store.createDeal(bad)
            }
        }
    }

    // MARK: Typed claims on deals

    @Test("a typed claim is stored open, with the record's value as accepted and both as strings")
    func typedClaim() async throws {
        try await Self.store { store in
            let stored = try await store.createDeal(Self.claimedDeal())
            let claim = try #require(stored.disputedClaims.first)
            #expect(claim.status == .open)
            #expect(claim.accepted.money == TestStores.usd(1_000))
            #expect(claim.claimedValue == "USD 2000")
            #expect(claim.acceptedValue == "USD 1000")
            #expect(claim.resolvedTimeMicros == 0)
            // A claim on a participation, named by id; the organization id given by name is resolved.
            var deal = Self.claimedDeal("d2")
            deal.disputedClaims = [
                Self.claim(field: "participations[investor].investor_id", claimed: .organizationID("Other")),
                Self.claim("c2", field: "participations[investor].stake", claimed: .fraction(Self.fraction(1, 4))),
            ]
            let second = try await store.createDeal(deal)
            #expect(second.disputedClaims[0].claimed.organizationID == "other")
            #expect(second.disputedClaims[0].accepted.organizationID == "investor")
            // The record has no stake: nothing is accepted.
            #expect(second.disputedClaims[1].hasAccepted == false)
            #expect(second.disputedClaims[1].claimedValue == "1/4")
        }
    }

    static func fraction(_ numerator: Int64, _ denominator: Int64) -> Dealstore_V1_Fraction {
        var fraction = Dealstore_V1_Fraction()
        fraction.numerator = numerator
        fraction.denominator = denominator
        return fraction
    }

    struct Rule: Sendable, CustomTestStringConvertible {
        let name: String
        let field: String
        let problem: String
        let mutate: @Sendable (inout Dealstore_V1_DisputedClaim) -> Void
        var testDescription: String { self.name }
    }

    static let rules: [Rule] = [
        Rule(
            name: "a list without an element",
            field: "disputed_claims[0].field",
            problem: "does not say which element"
        ) { $0.field = "participations.committed" },
        Rule(
            name: "an element the deal lacks",
            field: "disputed_claims[0].field",
            problem: "which the record does not have"
        ) { $0.field = "participations[nobody].committed" },
        Rule(name: "a position, not an id", field: "disputed_claims[0].field", problem: "not an element id") {
            $0.field = "participations[Amazon Inc].committed"
        },
        Rule(name: "not a field a claim can dispute", field: "disputed_claims[0].field", problem: "use one of") {
            $0.field = "notes"
        },
        Rule(name: "a value of another type", field: "disputed_claims[0].claimed", problem: "takes a money") {
            $0.claimed.text = "two thousand"
        },
        Rule(name: "a bad amount", field: "disputed_claims[0].claimed.money.currency_code", problem: "unknown currency")
        { $0.claimed.money = TestStores.usd(5, currency: "XYZ") },
        Rule(name: "a stale accepted value", field: "disputed_claims[0].accepted", problem: "disagrees with the record")
        {
            $0.accepted.money = TestStores.usd(1_500)
        },
        Rule(
            name: "an open claim agreeing with the record",
            field: "disputed_claims[0].claimed",
            problem: "already says"
        ) { $0.claimed.money = TestStores.usd(1_000) },
        Rule(name: "resolved without who", field: "disputed_claims[0].resolved_by", problem: "is required") {
            $0.status = .resolved
        },
        Rule(name: "open with a resolver", field: "disputed_claims[0].status", problem: "set status RESOLVED") {
            $0.resolvedBy = "analyst"
        },
        Rule(
            name: "an unknown organization",
            field: "disputed_claims[0].claimed.organization_id",
            problem: "unknown organization"
        ) {
            $0.field = "target_id"
            $0.claimed.organizationID = "nobody"
        },
    ]

    @Test("typed claim rules", arguments: Self.rules)
    func rule(_ rule: Rule) async throws {
        try await Self.store { store in
            var deal = Self.claimedDeal()
            rule.mutate(&deal.disputedClaims[0])
            await Self.expectInvalid(rule.problem, at: rule.field) { _ = try await store.createDeal(deal) }
        }
    }

    @Test("an update that leaves a claim's accepted value stale is refused; with the claim refreshed it is stored")
    func staleOnUpdate() async throws {
        try await Self.store { store in
            _ = try await store.createDeal(Self.claimedDeal())
            var change = Dealstore_V1_Deal()
            change.id = "d1"
            change.amount = TestStores.usd(1_200)
            await Self.expectInvalid(
                "disagrees with the record, whose amount is USD 1200",
                at: "disputed_claims[0].accepted"
            ) { _ = try await store.updateDeal(change, updateMask: ["amount"]) }
            #expect(try store.deal(id: "d1").disputedClaims[0].accepted.money.units == 1_000)
            var claims = try store.deal(id: "d1").disputedClaims
            claims[0].clearAccepted()
            change.disputedClaims = claims
            let updated = try await store.updateDeal(change, updateMask: ["amount", "disputed_claims"])
            #expect(updated.disputedClaims[0].accepted.money.units == 1_200)
            #expect(updated.disputedClaims[0].acceptedValue == "USD 1200")
        }
    }

    @Test("a resolved claim keeps who resolved it, and the store stamps when")
    func resolved() async throws {
        try await Self.store { store in
            let before = Int64(Date().timeIntervalSince1970 * 1_000_000)
            var deal = Self.claimedDeal()
            deal.disputedClaims[0].status = .resolved
            deal.disputedClaims[0].resolvedBy = "analyst@example.com"
            deal.disputedClaims[0].resolution = "The filing confirms USD 1,000."
            let stored = try await store.createDeal(deal).disputedClaims[0]
            #expect(stored.status == .resolved)
            #expect(stored.resolvedBy == "analyst@example.com")
            #expect(stored.resolvedTimeMicros >= before)
            // A resolved claim may agree with the record (it was accepted and the record corrected).
            var agreed = Self.claimedDeal("d2")
            agreed.disputedClaims[0].claimed.money = TestStores.usd(1_000)
            agreed.disputedClaims[0].status = .resolved
            agreed.disputedClaims[0].resolvedBy = "analyst"
            agreed.disputedClaims[0].resolvedTimeMicros = 1_700_000_000_000_000
            let second = try await store.createDeal(agreed).disputedClaims[0]
            #expect(second.resolvedTimeMicros == 1_700_000_000_000_000)
            let open = try store.conflicts(organizationID: "", status: .open)
            #expect(open.conflicts.isEmpty)
            let resolved = try store.conflicts(organizationID: "", status: .resolved)
            #expect(resolved.conflicts.map(\.dealID) == ["d1", "d2"])
        }
    }

    // MARK: Claims on organizations

    @Test("a claim on an organization is typed, validated against it and listed by ListConflicts")
    func organizationClaims() async throws {
        try await Self.store { store in
            var organization = TestStores.organization("acme")
            organization.founded.year = 2015
            organization.founded.precision = .year
            organization.sources = [Self.source("ft")]
            var founded = Dealstore_V1_PartialDate()
            founded.year = 2014
            founded.precision = .year
            organization.disputedClaims = [Self.claim(field: "founded", claimed: .date(founded))]
            let stored = try await store.createOrganization(organization)
            #expect(stored.disputedClaims[0].accepted.date.year == 2015)
            #expect(stored.disputedClaims[0].claimedValue == "2014")
            let page = try store.conflicts(organizationID: "Acme", status: .unspecified)
            #expect(page.conflicts.map(\.organizationID) == ["acme"])
            #expect(page.conflicts.first?.source.publisher == "Financial Times")
            var untyped = TestStores.organization("untyped")
            untyped.sources = [Self.source("ft")]
            var claim = Dealstore_V1_DisputedClaim()
            claim.id = "c1"
            claim.field = "founded"
            claim.claimedValue = "2014"
            claim.sourceID = "ft"
            untyped.disputedClaims = [claim]
            await Self.expectInvalid("is required", at: "disputed_claims[0].claimed") {
                _ = try await store.createOrganization(untyped)
            }
            var wrongPath = organization
            wrongPath.id = "acme-2"
            wrongPath.name = "Acme Two"
            wrongPath.disputedClaims[0].field = "amount"
            await Self.expectInvalid("not an organization field", at: "disputed_claims[0].field") {
                _ = try await store.createOrganization(wrongPath)
            }
            var noSource = organization
            noSource.id = "acme-3"
            noSource.name = "Acme Three"
            noSource.disputedClaims[0].sourceID = "elsewhere"
            await Self.expectInvalid("unknown source", at: "disputed_claims[0].source_id") {
                _ = try await store.createOrganization(noSource)
            }
        }
    }

    @Test("a merge keeps the source's claims (accepted afresh from the survivor) and redirects claims' organizations")
    func merge() async throws {
        try await Self.store { store in
            var old = TestStores.organization("old-name")
            old.sources = [Self.source("ft")]
            var founded = Dealstore_V1_PartialDate()
            founded.year = 2014
            founded.precision = .year
            old.disputedClaims = [Self.claim("old-founded", field: "founded", claimed: .date(founded))]
            _ = try await store.createOrganization(old)
            var survivor = TestStores.organization("survivor")
            survivor.founded.year = 2016
            survivor.founded.precision = .year
            _ = try await store.createOrganization(survivor)
            // A deal whose target is disputed: its accepted value names the organization merged away.
            var deal = Self.claimedDeal()
            deal.targetID = "old-name"
            deal.disputedClaims = [Self.claim(field: "target_id", claimed: .organizationID("other"))]
            #expect(try await store.createDeal(deal).disputedClaims[0].accepted.organizationID == "old-name")
            let result = try await store.mergeOrganizations("old-name", into: "survivor")
            let claim = try #require(result.organization.disputedClaims.first)
            #expect(claim.id == "old-founded")
            #expect(claim.accepted.date.year == 2016)
            #expect(try store.deal(id: "d1").disputedClaims[0].accepted.organizationID == "survivor")
        }
    }

    // MARK: Sources

    @Test("everything one publisher reported is one query, case-insensitively, across deals and organizations")
    func sourceReports() async throws {
        try await TestStores.withStore(seed: true) { store in
            let ft = try store.sourceReports(publisher: " financial times ")
            #expect(ft.reports.map(\.dealID) == ["google-anthropic-2023-02"])
            #expect(ft.reports.first?.source.id == "financial-times")
            #expect(ft.reports.first?.items.isEmpty == false)
            let techcrunch = try store.sourceReports(publisher: "TechCrunch")
            #expect(
                techcrunch.reports.map { $0.dealID.isEmpty ? "org:" + $0.organizationID : $0.dealID } == [
                    "org:anthropic", "amazon-anthropic-2023", "microsoft-openai-2023",
                ]
            )
            // Paged one at a time, the pages add up to the whole answer.
            var token = ""
            var paged: [String] = []
            repeat {
                let page = try store.sourceReports(publisher: "techcrunch", pageSize: 1, pageToken: token)
                paged += page.reports.map { $0.dealID + $0.organizationID }
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(paged == ["anthropic", "amazon-anthropic-2023", "microsoft-openai-2023"])
            #expect(try store.sourceReports(publisher: "Nobody").reports.isEmpty)
            await Self.expectInvalid("is required", at: "publisher") { _ = try store.sourceReports(publisher: "  ") }
        }
    }

    // MARK: Old formats

    /// A deal line as the previous code exported it: an untyped claim with a free path and string values.
    static let oldLine = """
        {"deal": {"id": "old-deal", "targetId": "target", "type": "DEAL_TYPE_VENTURE", "status": "DEAL_STATUS_ANNOUNCED", \
        "title": "Old deal", "participations": [{"investorId": "investor", "role": "INVESTOR_ROLE_LEAD"}], \
        "sources": [{"id": "ft", "publisher": "Financial Times"}], "disputedClaims": [{"id": "c1", "field": \
        "participations.investor_id", "claimedValue": "other", "acceptedValue": "investor", "sourceId": "ft", \
        "explanation": "The FT names another lead."}]}}
        """

    @Test("an old JSON Lines line (untyped claim, free path) imports and reads as it was")
    func oldJSONLine() async throws {
        try await Self.store { store in
            let records = try DealStore.parseJSONLines(Array(Self.oldLine.utf8))
            let result = try await store.importRecords(records)
            #expect(result.rejections.isEmpty, "\(result.rejections)")
            let claim = try #require(try store.deal(id: "old-deal").disputedClaims.first)
            #expect(claim.field == "participations.investor_id")
            #expect(claim.claimedValue == "other")
            #expect(claim.acceptedValue == "investor")
            #expect(claim.hasClaimed == false)
            #expect(claim.status == .unspecified)
            // Untyped claims are open.
            #expect(try store.conflicts(organizationID: "", status: .open).conflicts.map(\.claim.id) == ["c1"])
            #expect(try store.sourceReports(publisher: "financial times").reports.first?.claimIds == ["c1"])
        }
    }

    @Test("a log written by the previous code (the bundled data, untyped claims) recovers exactly as written")
    func oldLog() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/claims/log-before-claims/wal-0000000000000001.log")
        let directory = TemporaryDirectory()
        try FileManager.default.copyItem(
            atPath: fixture.path,
            toPath: directory.path + "/wal-0000000000000001.log"
        )
        let store = try await TestStores.open(directory.path)
        let seed = try DealStore.seedRecords().compactMap { record -> Dealstore_V1_Deal? in
            if case .deal(let deal)? = record.record { deal } else { nil }
        }
        #expect(seed.count == 5)
        for expected in seed {
            var stored = try store.deal(id: expected.id)
            stored.clearMeta()
            // Written before participation ids and typed claims: none has either, and the claims are as written.
            #expect(stored.participations.allSatisfy { $0.id.isEmpty })
            #expect(stored.disputedClaims == expected.disputedClaims)
        }
        let conflicts = try store.conflicts(organizationID: "", status: .open).conflicts
        #expect(conflicts.count == 3)
        #expect(conflicts.allSatisfy { $0.claim.field == "target_id" && !$0.claim.hasClaimed })
        try await store.close()
    }
}
