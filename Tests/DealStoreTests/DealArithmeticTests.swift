import DealModel
import Testing

@testable import DealStore

/// Money at the edges: the 10^15 maximum per amount, sums past Int64 units, and stored data from before the maximum.
@Suite("Amounts and totals that cannot trap")
struct DealArithmeticTests {
    static let maximum: Int64 = 1_000_000_000_000_000
    static let largestMoneyNanos = Int128(Int64.max) * 1_000_000_000 + 999_999_999

    static func tranche(_ id: String, units: Int64) -> Dealstore_V1_Tranche {
        var tranche = Dealstore_V1_Tranche()
        tranche.id = id
        tranche.investorID = "investor"
        tranche.amount = TestStores.usd(units)
        tranche.status = .funded
        return tranche
    }

    static func totalNanos(_ money: Dealstore_V1_Money) -> Int128 {
        Int128(money.units) * 1_000_000_000 + Int128(money.nanos)
    }

    @Test("two tranches of Int64.max units on a small cap: INVALID_ARGUMENT naming the field, with validate_only too")
    func int64MaxTranchesAreRefused() async throws {
        try await Self.withBasicStore { store in
            var deal = TestStores.deal("overflow")
            deal.commitmentCap = TestStores.usd(1_000)
            deal.tranches = [Self.tranche("a", units: Int64.max), Self.tranche("b", units: Int64.max)]
            for validateOnly in [true, false] {
                do {
                    _ = try await store.createDeal(deal, validateOnly: validateOnly)
                    Issue.record("accepted with validate_only \(validateOnly)")
                } catch let error as DealStoreError {
                    #expect(error.code == .invalidArgument)
                    #expect(error.message.contains("tranches[0].amount.units"), "\(error.message)")
                    #expect(error.message.contains("10^15"), "\(error.message)")
                }
            }
            // Each tranche valid alone, their sum above the cap: the message names the exact total, no trap.
            deal.commitmentCap = TestStores.usd(Self.maximum)
            deal.tranches = [Self.tranche("a", units: Self.maximum), Self.tranche("b", units: Self.maximum)]
            do {
                _ = try await store.createDeal(deal, validateOnly: true)
                Issue.record("tranches over the cap accepted")
            } catch let error as DealStoreError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("tranches total USD 2000000000000000 exceeds"), "\(error.message)")
            }
        }
    }

    @Test("every Money field is checked against the maximum: 10^15 units accepted, one more refused by name")
    func maximumPerField() async throws {
        try await Self.withBasicStore { store in
            let fields: [(String, (inout Dealstore_V1_Deal, Int64) -> Void)] = [
                ("amount.units", { $0.amount = TestStores.usd($1) }),
                ("commitment_cap.units", { $0.commitmentCap = TestStores.usd($1) }),
                ("participations[0].committed.units", { $0.participations[0].committed = TestStores.usd($1) }),
                ("tranches[0].amount.units", { $0.tranches = [Self.tranche("t", units: $1)] }),
                (
                    "options[0].maximum.units",
                    {
                        var option = Dealstore_V1_InvestmentOption()
                        option.id = "o"
                        option.holderID = "investor"
                        option.maximum = TestStores.usd($1)
                        $0.options = [option]
                    }
                ),
                (
                    "valuations[0].amount.units",
                    {
                        var valuation = Dealstore_V1_Valuation()
                        valuation.amount = TestStores.usd($1)
                        $0.valuations = [valuation]
                    }
                ),
            ]
            for (index, (field, set)) in fields.enumerated() {
                var deal = TestStores.deal("edge-\(index)", amount: 1)
                set(&deal, Self.maximum + 1)
                do {
                    _ = try await store.createDeal(deal, validateOnly: true)
                    Issue.record("\(field): 10^15 + 1 accepted")
                } catch let error as DealStoreError {
                    #expect(error.code == .invalidArgument, "\(field)")
                    #expect(error.message.hasPrefix(field + ":") || error.message.contains(field), "\(error.message)")
                }
                set(&deal, Self.maximum)
                _ = try await store.createDeal(deal)
            }
        }
    }

    @Test("10,000 deals of 10^15 units for one target: exact totals per year, the target's flagged saturated")
    func sumsPastInt64() async throws {
        try await Self.withBasicStore { store in
            var records: [Dealstore_V1_DealRecord] = []
            for index in 0..<10_000 {
                var record = Dealstore_V1_DealRecord()
                // 9,000 in 2023 (9 × 10^18 units, inside Int64) and 1,000 in 2024; 10^19 in all, past Int64.max.
                record.deal = TestStores.deal("big-\(index)", amount: Self.maximum, year: index < 9_000 ? 2023 : 2024)
                records.append(record)
            }
            let result = try await store.importRecords(records)
            #expect(result.created == 10_000)
            #expect(result.rejections.isEmpty)

            let byYear = try store.summarize(groupBy: .year)
            #expect(byYear.map(\.key) == ["2023", "2024"])
            let year2023 = try #require(byYear.first?.totals.first)
            #expect(year2023.committed.units == 9_000_000_000_000_000_000)
            #expect(!year2023.committedSaturated)
            #expect(byYear.last?.totals.first?.committed.units == 1_000_000_000_000_000_000)

            for grouping in [Dealstore_V1_SummaryGrouping.target, .investor, .dealType] {
                let groups = try store.summarize(groupBy: grouping)
                let total = try #require(groups.first?.totals.first, "\(grouping)")
                #expect(groups.first?.dealCount == 10_000)
                #expect(total.committedSaturated, "\(grouping)")
                #expect(Self.totalNanos(total.committed) == Self.largestMoneyNanos, "\(grouping)")
                #expect(!total.fundedSaturated)
            }
        }
    }

    @Test("amounts stored before the maximum (Int64.max units) survive a restart and summarize without a trap")
    func legacyAmountsRestart() async throws {
        let directory = TemporaryDirectory()
        do {
            let store = try await TestStores.basic(directory.path)
            try await Self.storeUnvalidated(Self.legacyDeals(), in: store)
            try await store.close()
        }
        // Twice: once from the log, once more after a snapshot of those entries (snapshotEvery 1).
        for snapshotEvery in [1, 0] {
            let store = try await TestStores.open(directory.path, snapshotEvery: snapshotEvery)
            for grouping in [Dealstore_V1_SummaryGrouping.target, .investor, .year, .quarter, .dealType] {
                let groups = try store.summarize(groupBy: grouping)
                let total = try #require(groups.first?.totals.first, "\(grouping)")
                #expect(total.committedSaturated, "\(grouping)")
                #expect(total.fundedSaturated, "\(grouping)")
                #expect(Self.totalNanos(total.funded) == Self.largestMoneyNanos)
            }
            let timeline = try store.timeline(of: "target")
            #expect(!timeline.events.isEmpty)
            _ = try store.topDeals(limit: 5)
            _ = try store.listDeals(orderBy: "amount desc")
            // A new deal in the same store is still held to the maximum.
            var deal = TestStores.deal("after-restart-\(snapshotEvery)", amount: Self.maximum + 1)
            deal.participations = []
            await #expect(throws: DealStoreError.self) { _ = try await store.createDeal(deal) }
            _ = try await store.createDeal(TestStores.deal("fine-\(snapshotEvery)", amount: 5))
            try await store.close()
        }
    }

    /// Runs `body` with ``TestStores/basic(_:)`` in a temporary directory, then closes the store.
    static func withBasicStore(_ body: (DealStore) async throws -> Void) async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.basic(directory.path)
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    /// Two deals with amounts and tranches of Int64.max units, as an older dealsd could store them.
    static func legacyDeals() -> [Dealstore_V1_Deal] {
        (0..<2).map { index in
            var deal = TestStores.deal("legacy-\(index)", amount: Int64.max)
            deal.tranches = [Self.tranche("a", units: Int64.max), Self.tranche("b", units: Int64.max)]
            var participation = deal.participations[0]
            participation.committed.nanos = 999_999_999
            deal.participations.append(participation)
            return deal
        }
    }

    /// Stores `deals` as they are, without the validator: what a store written by an older version holds.
    static func storeUnvalidated(_ deals: [Dealstore_V1_Deal], in store: DealStore) async throws {
        for deal in deals {
            _ = try await store.submit { (state, batch) throws(DealStoreError) -> Bool in
                var deal = deal
                deal.meta = DealStore.meta(revision: state.revision + 1, created: nil, time: batch.timeMicros)
                _ = try batch.emitDeal(.created, deal, state: &state)
                return true
            }
        }
    }
}
