import DealModel
import DealStore
import Testing

@Suite("Deal stage, kind and instrument; the old DealType mapping")
struct DealTypesTests {
    static let mapping: [(Dealstore_V1_DealType, DealTypeMapping.Standard)] = [
        (.unspecified, .init(stage: .unspecified, instrument: .unspecified, kind: .unspecified)),
        (.seed, .init(stage: .seed, instrument: .unspecified, kind: .primary)),
        (.venture, .init(stage: .venture, instrument: .equity, kind: .primary)),
        (.corporateStrategic, .init(stage: .unspecified, instrument: .equity, kind: .primary)),
        (.convertibleNote, .init(stage: .unspecified, instrument: .convertibleNote, kind: .primary)),
        (.debt, .init(stage: .unspecified, instrument: .debt, kind: .primary)),
        (.acquisition, .init(stage: .unspecified, instrument: .unspecified, kind: .acquisition)),
        (.secondary, .init(stage: .unspecified, instrument: .equity, kind: .secondary)),
        (.grant, .init(stage: .unspecified, instrument: .unspecified, kind: .grant)),
        (.other, .init(stage: .unspecified, instrument: .unspecified, kind: .other)),
    ]

    @Test("every old DealType maps as PROTOCOL.md's table says")
    func everyValue() {
        #expect(Self.mapping.count == Dealstore_V1_DealType.allCases.count)
        for (type, expected) in Self.mapping {
            #expect(DealTypeMapping.standard(for: type) == expected, "\(type)")
            var deal = Dealstore_V1_Deal()
            deal.type = type
            #expect(deal.standardTypes == expected, "\(type)")
        }
        // A deal's own fields win over its old type.
        var deal = Dealstore_V1_Deal()
        deal.type = .venture
        deal.stage = .seriesB
        #expect(deal.standardTypes == .init(stage: .seriesB, instrument: .unspecified, kind: .unspecified))
    }

    static func safe() -> Dealstore_V1_Deal {
        var deal = TestStores.deal("safe", amount: 500_000)
        deal.roundLabel = "pre-seed SAFE"
        deal.stage = .preSeed
        deal.kind = .primary
        deal.instrument.kind = .safe
        deal.instrument.valuationCap = TestStores.usd(10_000_000)
        deal.instrument.discount.numerator = 1
        deal.instrument.discount.denominator = 5
        deal.instrument.postMoney = true
        return deal
    }

    @Test("a SAFE with cap, discount and post-money is recorded and read back")
    func recordsSAFE() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            _ = try await store.createDeal(Self.safe())
            let read = try store.deal(id: "safe")
            #expect(read.instrument.kind == .safe)
            #expect(read.instrument.valuationCap == TestStores.usd(10_000_000))
            #expect(read.instrument.discount.denominator == 5)
            #expect(read.roundLabel == "pre-seed SAFE" && read.stage == .preSeed)
        }
    }

    /// Each change that makes the SAFE invalid, by the field the error must name.
    static func spoil(_ deal: inout Dealstore_V1_Deal, _ case: String) {
        switch `case` {
        case "kind missing": deal.instrument.kind = .unspecified
        case "discount 5/5": deal.instrument.discount.numerator = 5
        case "discount /0": deal.instrument.discount.denominator = 0
        case "cap on equity": deal.instrument.kind = .equity
        case "cap currency": deal.instrument.valuationCap.currencyCode = "XYZ"
        case "interest on a SAFE": deal.instrument.interestRate.denominator = 10
        case "price on a SAFE": deal.instrument.pricePerShare = TestStores.usd(3)
        case "long label": deal.roundLabel = String(repeating: "x", count: 201)
        case "stage 99": deal.stage = .UNRECOGNIZED(99)
        default: deal.kind = .UNRECOGNIZED(99)
        }
    }

    @Test(
        "the validator refuses terms that do not fit the instrument, naming the field",
        arguments: [
            ("instrument.kind", "kind missing"), ("instrument.discount", "discount 5/5"),
            ("instrument.discount", "discount /0"), ("instrument.valuation_cap", "cap on equity"),
            ("instrument.valuation_cap.currency_code", "cap currency"),
            ("instrument.interest_rate", "interest on a SAFE"),
            ("instrument.price_per_share", "price on a SAFE"), ("round_label", "long label"), ("stage", "stage 99"),
            ("kind", "kind 99"),
        ]
    )
    func refuses(field: String, change: String) async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            var deal = Self.safe()
            Self.spoil(&deal, change)
            do {
                _ = try await store.createDeal(deal)
                Issue.record("accepted \(field)")
            } catch let error as DealStoreError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.hasPrefix(field + ":"), "\(error.message)")
            }
        }
    }
}
