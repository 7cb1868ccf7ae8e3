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

    @Test(
        "the validator refuses terms that do not fit the instrument, naming the field",
        arguments: [
            ("instrument.kind", { (deal: inout Dealstore_V1_Deal) in deal.instrument.kind = .unspecified }),
            ("instrument.discount", { (deal: inout Dealstore_V1_Deal) in deal.instrument.discount.numerator = 5 }),
            ("instrument.discount", { (deal: inout Dealstore_V1_Deal) in deal.instrument.discount.denominator = 0 }),
            ("instrument.valuation_cap", { (deal: inout Dealstore_V1_Deal) in deal.instrument.kind = .equity }),
            ("instrument.valuation_cap.currency_code", { (deal: inout Dealstore_V1_Deal) in
                deal.instrument.valuationCap.currencyCode = "XYZ"
            }),
            ("instrument.interest_rate", { (deal: inout Dealstore_V1_Deal) in deal.instrument.interestRate.denominator = 10 }),
            ("instrument.price_per_share", { (deal: inout Dealstore_V1_Deal) in
                deal.instrument.pricePerShare = TestStores.usd(3)
            }),
            ("round_label", { (deal: inout Dealstore_V1_Deal) in deal.roundLabel = String(repeating: "x", count: 201) }),
            ("stage", { (deal: inout Dealstore_V1_Deal) in deal.stage = .UNRECOGNIZED(99) }),
            ("kind", { (deal: inout Dealstore_V1_Deal) in deal.kind = .UNRECOGNIZED(99) }),
        ] as [(String, @Sendable (inout Dealstore_V1_Deal) -> Void)]
    )
    func refuses(field: String, change: @Sendable (inout Dealstore_V1_Deal) -> Void) async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            var deal = Self.safe()
            change(&deal)
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
