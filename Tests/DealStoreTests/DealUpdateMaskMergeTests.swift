import DealModel
import DealStore
import Testing

/// Issue 12 item 5: update masks are checked against the message and merged with swift-protobuf's FieldMask
/// support, under the protocol's rules (nested paths, repeated fields replaced, unset fields cleared).
@Suite("Update masks: paths checked against the message, merged by swift-protobuf")
struct DealUpdateMaskMergeTests {
    static func store(_ body: (DealStore) async throws -> Void) async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor", "other", "buyer"] {
                _ = try await store.createOrganization(TestStores.organization(id))
            }
            try await body(store)
        }
    }

    static func patch(_ id: String) -> Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = id
        return deal
    }

    @Test("a nested path changes one field inside a message and leaves its siblings")
    func nestedPath() async throws {
        try await Self.store { store in
            let created = try await store.createDeal(TestStores.deal("d1", amount: 1_000))
            var change = Self.patch("d1")
            change.amount = TestStores.usd(5_000, currency: "EUR")
            change.announced.year = 2021
            let updated = try await store.updateDeal(change, updateMask: ["amount.units", "announced.year"])
            #expect(updated.amount.units == 5_000)
            #expect(updated.amount.currencyCode == "USD")
            #expect(updated.announced.year == 2021)
            #expect(updated.announced.month == created.announced.month)
            #expect(updated.title == created.title)
            #expect(try store.deal(id: "d1") == updated)
        }
    }

    @Test("a repeated field named by the mask is replaced whole, not appended to")
    func repeatedFieldReplaced() async throws {
        try await Self.store { store in
            let created = try await store.createDeal(TestStores.deal("d1"))
            #expect(created.participations.count == 1)
            var change = Self.patch("d1")
            var participation = Dealstore_V1_Participation()
            participation.investorID = "other"
            participation.role = .lead
            change.participations = [participation]
            let updated = try await store.updateDeal(change, updateMask: ["participations"])
            #expect(updated.participations.map(\.investorID) == ["other"])
            // Named and left empty: the list is emptied.
            let emptied = try await store.updateDeal(Self.patch("d1"), updateMask: ["participations"])
            #expect(emptied.participations.isEmpty)
        }
    }

    @Test("a named field the request leaves unset is cleared: scalars, and messages at the top level")
    func clearing() async throws {
        try await Self.store { store in
            var deal = TestStores.deal("d1")
            deal.notes = "to be removed"
            deal.roundLabel = "Series A"
            _ = try await store.createDeal(deal)
            let updated = try await store.updateDeal(
                Self.patch("d1"),
                updateMask: ["notes", "announced", "round_label"]
            )
            #expect(updated.notes.isEmpty)
            #expect(updated.roundLabel.isEmpty)
            #expect(updated.hasAnnounced == false)
            #expect(updated.hasAmount)
            #expect(try store.deal(id: "d1").hasAnnounced == false)
        }
    }

    @Test("a nested path cannot clear a message: refused, naming the path and the parent to name instead")
    func nestedMessageClearRefused() async throws {
        try await Self.store { store in
            var deal = TestStores.deal("ipo", target: "target", investor: "buyer", type: .other)
            deal.listing.exchange = "NASDAQ"
            deal.listing.ticker = "TGT"
            deal.listing.offerPrice = TestStores.usd(51)
            _ = try await store.createDeal(deal)
            var change = Self.patch("ipo")
            change.listing.ticker = "TGTX"
            let error = await TestStores.failure {
                _ = try await store.updateDeal(change, updateMask: ["listing.ticker", "listing.offer_price"])
            }
            #expect(error?.code == .invalidArgument)
            #expect(
                error?.message.hasPrefix("update_mask[1]: 'listing.offer_price'") == true,
                "\(String(describing: error))"
            )
            #expect(error?.message.contains("name 'listing'") == true, "\(String(describing: error))")
            #expect(try store.deal(id: "ipo").listing.offerPrice.units == 51)
            // Setting a nested message by its path works.
            change.listing.offerPrice = TestStores.usd(60)
            let updated = try await store.updateDeal(change, updateMask: ["listing.ticker", "listing.offer_price"])
            #expect(updated.listing.ticker == "TGTX")
            #expect(updated.listing.offerPrice.units == 60)
            #expect(updated.listing.exchange == "NASDAQ")
        }
    }

    @Test(
        "paths the message does not have, and fixed fields, are INVALID_ARGUMENT naming the path",
        arguments: [
            (["title", "bogus"], "update_mask[1]: 'bogus' is not a field of a deal"),
            (["amount.nonexistent"], "update_mask[0]: 'amount.nonexistent' is not a field path of a deal"),
            (["participations.role"], "update_mask[0]: 'participations.role' is not a field path of a deal"),
            (["external_ids"], "update_mask[0]: 'external_ids' is not a field of a deal"),
            (["Title"], "update_mask[0]: 'Title' is not a field of a deal"),
            ([""], "update_mask[0]: '' is not a field of a deal"),
            (["meta"], "update_mask[0]: 'meta' cannot be updated"),
            (["meta.etag"], "update_mask[0]: 'meta.etag' cannot be updated"),
            (["notes", "id"], "update_mask[1]: 'id' cannot be updated"),
            (["amount_normalized"], "update_mask[0]: 'amount_normalized' cannot be updated"),
        ]
    )
    func invalidPaths(mask: [String], prefix: String) async throws {
        try await Self.store { store in
            let created = try await store.createDeal(TestStores.deal("d1"))
            var change = Self.patch("d1")
            change.title = "Changed"
            let error = await TestStores.failure { _ = try await store.updateDeal(change, updateMask: mask) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix(prefix) == true, "\(String(describing: error))")
            #expect(try store.deal(id: "d1") == created)
        }
    }

    @Test("an empty mask replaces every field but the fixed ones, including those added since the first list")
    func emptyMaskReplacesEverything() async throws {
        try await Self.store { store in
            var deal = TestStores.deal("d1")
            deal.notes = "old"
            let created = try await store.createDeal(deal)
            var change = TestStores.deal("d1", target: "other", amount: 2_000)
            change.roundLabel = "Series B"
            change.stage = .seriesB
            change.meta.etag = "forged"
            let updated = try await store.updateDeal(change, updateMask: [])
            #expect(updated.targetID == "other")
            #expect(updated.amount.units == 2_000)
            #expect(updated.notes.isEmpty)
            #expect(updated.roundLabel == "Series B")
            #expect(updated.stage == .seriesB)
            #expect(updated.meta.createRevision == created.meta.createRevision)
            #expect(updated.meta.etag != "forged")
            // And the fields the old hand-written list lacked can be named too.
            var staged = Self.patch("d1")
            staged.stage = .seriesC
            #expect(try await store.updateDeal(staged, updateMask: ["stage"]).stage == .seriesC)
        }
    }

    @Test("organizations: nested paths, clearing a message, and merged_ids refused")
    func organizations() async throws {
        try await Self.store { store in
            var company = TestStores.organization("acme")
            company.headquarters.countryCode = "DE"
            company.headquarters.city = "Berlin"
            company.aliases = ["Acme Corp"]
            _ = try await store.createOrganization(company)
            var change = Dealstore_V1_Organization()
            change.id = "acme"
            change.headquarters.city = "Munich"
            change.aliases = ["Acme GmbH"]
            let updated = try await store.updateOrganization(change, updateMask: ["headquarters.city", "aliases"])
            #expect(updated.headquarters.city == "Munich")
            #expect(updated.headquarters.countryCode == "DE")
            #expect(updated.aliases == ["Acme GmbH"])
            var clear = Dealstore_V1_Organization()
            clear.id = "acme"
            let cleared = try await store.updateOrganization(clear, updateMask: ["headquarters"])
            #expect(cleared.hasHeadquarters == false)
            #expect(cleared.name == "Acme")
            clear.mergedIds = ["other"]
            let error = await TestStores.failure {
                _ = try await store.updateOrganization(clear, updateMask: ["merged_ids"])
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix("update_mask[0]: 'merged_ids' cannot be updated") == true)
        }
    }
}
