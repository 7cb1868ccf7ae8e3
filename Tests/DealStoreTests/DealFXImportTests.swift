import DealModel
import DealStore
import Foundation
import Testing

/// Issue 18 part 1: the FX table replaced from a CSV in the ECB's eurofxref-hist layout (ImportFXRates), used at
/// once, durable across a restart, and bad input named by line and column.
@Suite("FX table import")
struct DealFXImportTests {
    /// Newest first and with a trailing comma, as the ECB writes it.
    static let csv = "Date,USD,JPY,\n2024-01-03,2.0000,150.5,\n2024-01-02,1.5,N/A,\n"

    static func eurDeal() -> Dealstore_V1_Deal {
        var deal = TestStores.deal("eur-deal", amount: 10, currency: "EUR")
        deal.announced.day = 3
        deal.announced.month = 1
        deal.announced.year = 2024
        deal.announced.precision = .day
        return deal
    }

    @Test("an imported table converts at once, says where its rates come from and is read again after a restart")
    func importAndRestart() async throws {
        let directory = TemporaryDirectory()
        var store = try await TestStores.basic(directory.path)
        #expect(store.fxTableInUse.origin == .bundled)
        let bundledLabel = store.exchangeRates.sourceLabel
        let checked = try await store.importFXRates(csv: Array(Self.csv.utf8), source: "test desk", validateOnly: true)
        #expect(checked.dayCount == 2 && checked.rateCount == 3)
        #expect(store.exchangeRates.sourceLabel == bundledLabel)
        let table = try await store.importFXRates(
            csv: Array(Self.csv.utf8),
            source: "https://example.com/rates.csv",
            label: "Desk rates",
            retrieved: "2024-01-04"
        )
        #expect(table.sourceLabel == "Desk rates, retrieved 2024-01-04")
        #expect(table.currencies == ["EUR", "JPY", "USD"])
        #expect(table.provenance("first-date") == "2024-01-02")
        #expect(store.fxTableInUse.origin == .file)
        let converted = store.normalized(Self.eurDeal(), to: "USD")
        #expect(converted.amountNormalized.amount.units == 20, "\(converted.amountNormalized)")
        #expect(converted.amountNormalized.rate.source == "Desk rates, retrieved 2024-01-04")
        // 2024-01-02: 1.5 USD per EUR, JPY unpublished.
        var earlier = Self.eurDeal()
        earlier.announced.day = 2
        #expect(store.normalized(earlier, to: "USD").amountNormalized.amount.units == 15)
        #expect(store.normalized(earlier, to: "JPY").amountNormalized.status != .converted)
        try await store.close()
        store = try await TestStores.open(directory.path)
        #expect(store.exchangeRates.sourceLabel == "Desk rates, retrieved 2024-01-04")
        #expect(store.normalized(Self.eurDeal(), to: "USD").amountNormalized.amount.units == 20)
        try await store.close()
    }

    @Test(
        "bad input is refused naming its line and column, and the table in use stays",
        arguments: [
            ("Day,USD\n2024-01-02,1\n", "line 1, column 1"),
            ("Date,US\n2024-01-02,1\n", "line 1, column 2: 'US' is not an ISO 4217 code"),
            ("Date,USD,EUR\n2024-01-02,1,1\n", "line 1, column 3: EUR is the base"),
            ("Date,USD,USD\n2024-01-02,1,1\n", "line 1, column 3: USD is a column twice"),
            ("Date,USD\n2024-01-02,1,09\n", "line 2: 3 columns"),
            ("Date,USD\n2024-13-02,1\n", "line 2, column 1: '2024-13-02' is not a date"),
            ("Date,USD,JPY\n2024-01-02,1,-3\n", "line 2, column 3 (JPY): '-3' is not a rate"),
            ("Date,USD\n2024-01-02,1.1234567\n", "line 2, column 2 (USD): '1.1234567' is not a rate"),
            ("Date,USD\n2024-01-02,1\n\n2024-01-02,2\n", "line 4, column 1: the date of line 2 again"),
            ("Date,USD\n", "has a header but no day"),
        ]
    )
    func badInput(_ input: String, _ problem: String) async throws {
        try await TestStores.withStore { store in
            let before = store.exchangeRates.sourceLabel
            let error = await #expect(throws: DealStoreError.self) {
                try await store.importFXRates(csv: Array(input.utf8), source: "test")
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(problem) == true, "\(error?.message ?? "")")
            #expect(store.exchangeRates.sourceLabel == before)
            #expect(store.fxTableInUse.origin == .bundled)
        }
    }

    @Test("a file over the limit is refused before it is read; a source is required")
    func limits() async throws {
        try await TestStores.withStore { store in
            let huge = [UInt8](repeating: UInt8(ascii: "1"), count: DealFXCSV.maximumBytes + 1)
            let error = await #expect(throws: DealStoreError.self) {
                try await store.importFXRates(csv: huge, source: "test")
            }
            #expect(error?.message.contains("over the limit of \(DealFXCSV.maximumBytes)") == true)
            let unsourced = await #expect(throws: DealStoreError.self) {
                try await store.importFXRates(csv: Array(Self.csv.utf8), source: " ")
            }
            #expect(unsourced?.message.contains("source: is required") == true)
        }
    }
}
