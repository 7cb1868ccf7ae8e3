import DealModel
import DealStore
import Foundation
import SwiftProtobuf
import Testing

@Suite("Normalised money: the bundled ECB table, converted totals, filters and top-N")
struct DealNormalizedMoneyTests {
    /// A store with `alpha` (USD and EUR deals), `beta` (EUR only), `gamma` (a 1990 EUR deal: no ECB rate).
    static func mixed(_ store: DealStore) async throws {
        for id in ["target", "alpha", "beta", "gamma"] {
            _ = try await store.createOrganization(TestStores.organization(id))
        }
        var usd = TestStores.deal("usd", investor: "alpha", amount: 100_000_000, currency: "USD", year: 2023, month: 10)
        usd.announced.day = 27
        usd.announced.precision = .day
        var eur = TestStores.deal("eur", investor: "alpha", amount: 50_000_000, currency: "EUR", year: 2023, month: 10)
        eur.announced.day = 27
        eur.announced.precision = .day
        var second = Dealstore_V1_Participation()
        second.investorID = "beta"
        second.role = .participant
        second.committed = TestStores.usd(10_000_000, currency: "EUR")
        eur.participations.append(second)
        let old = TestStores.deal("old", investor: "gamma", amount: 1_000, currency: "EUR", year: 1990, month: 6)
        for deal in [usd, eur, old] { _ = try await store.createDeal(deal) }
    }

    @Test("the bundled table is the ECB's, with its provenance, and its known rates")
    func bundled() throws {
        let table = try DealFXRates.bundled.get()
        #expect(table.provenance("source")?.contains("European Central Bank") == true)
        #expect(table.provenance("retrieved") == "2026-10-31")
        #expect(table.provenance("licence")?.isEmpty == false)
        #expect(DealFXDay.iso(table.firstDay) == "1999-01-04")
        #expect(table.currencies.contains("JPY") && table.currencies.count == 42)
        let day = DealFXDay.number(year: 2023, month: 10, day: 27)
        #expect(table.rate("USD", onOrBefore: day)?.text == "1.0541")
        #expect(table.rate("GBP", onOrBefore: day)?.text == "0.87023")
        #expect(table.rate("JPY", onOrBefore: day)?.text == "158.08")
    }

    @Test("a summary with normalize_to totals every investor in one currency with the rates used")
    func summary() async throws {
        try await TestStores.withStore { store in
            try await Self.mixed(store)
            var filter = Dealstore_V1_DealFilter()
            filter.normalizeTo = "USD"
            let groups = try store.summarize(groupBy: .investor, filter: filter)
            #expect(groups.map(\.key) == ["alpha", "beta", "gamma"])
            let alpha = try #require(groups.first)
            // $100M + €50M × 1.0541 = $152,705,000.
            #expect(alpha.normalized.committed == TestStores.usd(152_705_000))
            #expect(alpha.normalized.convertedCount == 2)
            #expect(alpha.normalized.unconvertedCount == 0)
            #expect(alpha.normalized.rates.count == 1)
            #expect(alpha.normalized.rates.first?.rate == "1.0541")
            #expect(alpha.normalized.rates.first?.fromCurrency == "EUR")
            #expect(alpha.normalized.rates.first?.source.hasPrefix("ECB eurofxref-hist") == true)
            // The native figures stay beside it.
            #expect(alpha.totals.map(\.currencyCode) == ["EUR", "USD"])
            let gamma = try #require(groups.last)
            #expect(gamma.normalized.committed == TestStores.usd(0))
            #expect(gamma.normalized.unconvertedCount == 1)
            #expect(gamma.normalized.unconverted.first?.committed == TestStores.usd(1_000, currency: "EUR"))

            filter.normalizeTo = "EUR"
            let inEuros = try store.summarize(groupBy: .target, filter: filter)
            // $100M / 1.0541 = €94,867,659.614837302... rounded half-even to the nano, plus €60M (and 1990's €1,000).
            #expect(
                inEuros.first?.normalized.committed == TestStores.usd(154_868_659, nanos: 614_837_302, currency: "EUR")
            )
        }
    }

    @Test("an amount filter in the normalisation currency keeps the EUR deal (€50M = $52.7M) a native one drops")
    func filter() async throws {
        try await TestStores.withStore { store in
            try await Self.mixed(store)
            var filter = Dealstore_V1_DealFilter()
            filter.minAmount = TestStores.usd(50_000_000)
            #expect(try store.listDeals(filter: filter).deals.map(\.id) == ["usd"])
            filter.normalizeTo = "USD"
            let page = try store.listDeals(filter: filter)
            #expect(page.deals.map(\.id) == ["eur", "usd"])
            let eur = try #require(page.deals.first)
            #expect(eur.amountNormalized.status == .converted)
            #expect(eur.amountNormalized.amount == TestStores.usd(52_705_000))
            #expect(eur.participations.map(\.committedNormalized.status) == [.converted, .converted])
            // A bound in another currency than normalize_to says what to do; a listed deal with two commitments
            // carries both converted.
            filter.minAmount = TestStores.usd(1, currency: "EUR")
            #expect(throws: DealStoreError.self) { try store.listDeals(filter: filter) }
            filter.minAmount = TestStores.usd(1)
            filter.normalizeTo = "XYZ"
            #expect(throws: DealStoreError.self) { try store.listDeals(filter: filter) }
        }
    }

    @Test("top-N ranks every currency by its converted amount")
    func top() async throws {
        try await TestStores.withStore { store in
            try await Self.mixed(store)
            var filter = Dealstore_V1_DealFilter()
            filter.normalizeTo = "USD"
            let top = try store.topDeals(limit: 5, currencyCode: "USD", filter: filter)
            // The 1990 deal has no rate and cannot be ranked.
            #expect(top.map(\.id) == ["usd", "eur"])
            #expect(top.last?.amountNormalized.amount == TestStores.usd(52_705_000))
            #expect(try store.topDeals(limit: 5, currencyCode: "USD").map(\.id) == ["usd"])
        }
    }

    @Test("derived amounts are never stored, and old records read exactly as before")
    func notStored() async throws {
        try await TestStores.withStore(seed: true) { store in
            try await Self.mixed(store)
            var deal = TestStores.deal("sent", investor: "alpha", amount: 5, currency: "USD")
            deal.amountNormalized.status = .converted
            deal.amountNormalized.amount = TestStores.usd(999)
            let stored = try await store.createDeal(deal)
            #expect(!stored.hasAmountNormalized)
            #expect(!(try store.deal(id: "sent")).hasAmountNormalized)
            // The bundled deals, written before the new fields, read as the JSON Lines say.
            for record in try DealStore.seedRecords() {
                guard case .deal(let seeded) = record.record else { continue }
                var read = try store.deal(id: seeded.id)
                read.clearMeta()
                // Loading the seed is a write, which gives each participation its id (issue 18 part 6: the
                // investor's id, the investors of a bundled deal being distinct); nothing else differs.
                #expect(read.participations.map(\.id) == seeded.participations.map(\.investorID), "\(seeded.id)")
                for index in read.participations.indices { read.participations[index].id = "" }
                #expect(read == seeded, "\(seeded.id)")
                #expect(read.unknownFields.data.isEmpty)
            }
        }
    }

    @Test("an operator's table in the data directory replaces the bundled one; a broken one stops the open")
    func operatorTable() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/" + DealFXRates.fileName
        // A table in which the euro buys 2 dollars on every day of October 2023.
        var days: [(String, [String: String])] = []
        for day in 1...31 { days.append((String(format: "2023-10-%02d", day), ["USD": "2"])) }
        let bytes = Self.table(days: days)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let store = try await TestStores.open(directory.path)
        #expect(store.exchangeRates.sourceLabel == "operator table, retrieved 2026-12-01")
        try await Self.mixed(store)
        var filter = Dealstore_V1_DealFilter()
        filter.normalizeTo = "USD"
        let alpha = try #require(try store.summarize(groupBy: .investor, filter: filter).first)
        #expect(alpha.normalized.committed == TestStores.usd(200_000_000))
        try await store.close()

        try Data(bytes.dropLast(3)).write(to: URL(fileURLWithPath: path))
        await #expect(throws: DealStoreError.self) { _ = try await TestStores.open(directory.path) }
    }

    /// A one-currency table in the format of Tools/fx/make-fx-table.py (see DealFXTableTests for the full writer).
    static func table(days: [(String, [String: String])]) -> [UInt8] {
        var bytes = Array((DealFXTable.magic + "\nlabel: operator table\nretrieved: 2026-12-01\n\n").utf8)
        bytes += [1] + Array("USD".utf8) + [0]
        bytes.append(UInt8(days.count))
        var previousDay: Int32 = 0
        var previous: Int64 = 0
        for (date, rates) in days {
            let parts = date.split(separator: "-").map { Int($0)! }
            let day = DealFXDay.number(year: parts[0], month: parts[1], day: parts[2])
            var gap = UInt64(day - previousDay)
            while gap >= 0x80 {
                bytes.append(UInt8(gap & 0x7F) | 0x80)
                gap >>= 7
            }
            bytes.append(UInt8(gap))
            previousDay = day
            let value = Int64(rates["USD"]!)!
            let delta = value - previous
            previous = value
            bytes.append(UInt8((delta << 1) ^ (delta >> 63)) + 1)
        }
        return bytes
    }
}
