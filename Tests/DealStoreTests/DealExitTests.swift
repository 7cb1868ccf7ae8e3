import DealModel
import DealStore
import Testing

/// Issue 18 part 4: exits as deals (acquirer and seller roles, the share acquired, IPO listings) and their
/// timeline events.
@Suite("Exits")
struct DealExitTests {
    static func fraction(_ numerator: Int64, _ denominator: Int64) -> Dealstore_V1_Fraction {
        var fraction = Dealstore_V1_Fraction()
        fraction.numerator = numerator
        fraction.denominator = denominator
        return fraction
    }

    static func participation(
        _ investor: String,
        _ role: Dealstore_V1_InvestorRole,
        committed: Int64? = nil
    ) -> Dealstore_V1_Participation {
        var participation = Dealstore_V1_Participation()
        participation.investorID = investor
        participation.role = role
        if let committed { participation.committed = TestStores.usd(committed) }
        return participation
    }

    /// `buyer` acquires all of `target` from `seller` for 1,000 USD, closed in June 2023.
    static func acquisition() -> Dealstore_V1_Deal {
        var deal = TestStores.deal("buyer-target-2023", target: "target", investor: "buyer", type: .acquisition)
        deal.participations = [
            Self.participation("buyer", .acquirer, committed: 1_000), Self.participation("seller", .seller),
        ]
        deal.shareAcquired = Self.fraction(1, 1)
        deal.closed = deal.announced
        return deal
    }

    static func store(_ body: (DealStore) async throws -> Void) async throws {
        try await TestStores.withStore { store in
            for id in ["target", "buyer", "seller"] {
                _ = try await store.createOrganization(TestStores.organization(id))
            }
            try await body(store)
        }
    }

    @Test("an acquisition is stored, counts the acquirer's price only, and shows on every party's timeline")
    func acquisition() async throws {
        try await Self.store { store in
            let deal = try await store.createDeal(Self.acquisition())
            #expect(deal.shareAcquired.numerator == 1)
            let investors = try store.summarize(groupBy: .investor)
            #expect(investors.map(\.key) == ["buyer"])
            #expect(investors.first?.totals.first?.committed.units == 1_000)
            for party in ["target", "buyer", "seller"] {
                let timeline = try store.timeline(of: party)
                let event = try #require(timeline.events.first { $0.kind == .acquisition }, "\(party)")
                #expect(event.description_p == "buyer acquires 100% of target from seller")
                #expect(event.date.month == 6)
            }
        }
    }

    @Test("an IPO is a deal with a listing, shown on the target's timeline")
    func ipo() async throws {
        try await Self.store { store in
            var deal = TestStores.deal("target-ipo", target: "target", investor: "buyer", type: .other)
            deal.listing.exchange = "NASDAQ"
            deal.listing.ticker = "TGT"
            deal.listing.offerPrice = TestStores.usd(51)
            _ = try await store.createDeal(deal)
            let event = try #require(try store.timeline(of: "target").events.first { $0.kind == .ipo })
            #expect(event.description_p == "IPO of target on NASDAQ as TGT at USD 51 a share")
            // The listing is updatable by mask, and can be cleared.
            var change = Dealstore_V1_Deal()
            change.id = "target-ipo"
            let updated = try await store.updateDeal(change, updateMask: ["listing"])
            #expect(updated.hasListing == false)
        }
    }

    @Test(
        "exit rules",
        arguments: [
            ("seller-committed", "participations[1].committed"), ("target-acquirer", "participations[0].investor_id"),
            ("both", "participations"), ("share-without-acquirer", "share_acquired"),
            ("share-zero", "share_acquired"), ("share-denominator", "share_acquired.denominator"),
            ("ipo-acquirer", "listing"), ("ticker", "listing.ticker"), ("exchange", "listing.exchange"),
        ]
    )
    func rules(_ problem: String, field: String) async throws {
        try await Self.store { store in
            var deal = Self.acquisition()
            switch problem {
            case "seller-committed": deal.participations[1].committed = TestStores.usd(5)
            case "target-acquirer": deal.participations[0].investorID = "target"
            case "both": deal.participations[1].investorID = "buyer"
            case "share-without-acquirer": deal.participations[0].role = .lead
            case "share-zero": deal.shareAcquired = Self.fraction(0, 1)
            case "share-denominator": deal.shareAcquired = Self.fraction(1, 0)
            case "ipo-acquirer":
                deal.listing.exchange = "NYSE"
                deal.listing.ticker = "T"
            case "ticker":
                deal.participations[0].role = .lead
                deal.clearShareAcquired()
                deal.listing.exchange = "NYSE"
                deal.listing.ticker = "tgt"
            default:
                deal.participations[0].role = .lead
                deal.clearShareAcquired()
                deal.listing.ticker = "TGT"
            }
            let error = await TestStores.failure { _ = try await store.createDeal(deal) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix(field + ":") == true, "\(String(describing: error))")
        }
    }
}
