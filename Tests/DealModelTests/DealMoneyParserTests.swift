import DealModel
import Testing

@Suite struct DealMoneyParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var units: Int64
        var nanos: Int32
        var currency: String

        var testDescription: String { self.input }
    }

    static let accepted: [Case] = [
        Case(input: "1.25B", units: 1_250_000_000, nanos: 0, currency: "USD"),
        Case(input: "$4bn", units: 4_000_000_000, nanos: 0, currency: "USD"),
        Case(input: "300M", units: 300_000_000, nanos: 0, currency: "USD"),
        Case(input: "2.75 billion", units: 2_750_000_000, nanos: 0, currency: "USD"),
        Case(input: "4 000 000", units: 4_000_000, nanos: 0, currency: "USD"),
        Case(input: "4\u{202F}000\u{202F}000 €", units: 4_000_000, nanos: 0, currency: "EUR"),
        Case(input: "4,000,000", units: 4_000_000, nanos: 0, currency: "USD"),
        Case(input: "1,25 Md$", units: 1_250_000_000, nanos: 0, currency: "USD"),
        Case(input: "10 milliards", units: 10_000_000_000, nanos: 0, currency: "USD"),
        Case(input: "300 millions", units: 300_000_000, nanos: 0, currency: "USD"),
        Case(input: "2 milliards de dollars", units: 2_000_000_000, nanos: 0, currency: "USD"),
        Case(input: "10 milliards d'euros", units: 10_000_000_000, nanos: 0, currency: "EUR"),
        Case(input: "€2.5M", units: 2_500_000, nanos: 0, currency: "EUR"),
        Case(input: "1.5B CHF", units: 1_500_000_000, nanos: 0, currency: "CHF"),
        Case(input: "£12.50", units: 12, nanos: 500_000_000, currency: "GBP"),
        Case(input: "¥1000", units: 1000, nanos: 0, currency: "JPY"),
        Case(input: "US$ 500K", units: 500_000, nanos: 0, currency: "USD"),
        Case(input: "1,250.50", units: 1250, nanos: 500_000_000, currency: "USD"),
        Case(input: "0.000000001", units: 0, nanos: 1, currency: "USD"),
        Case(input: "1.234567891B", units: 1_234_567_891, nanos: 0, currency: "USD"),
        Case(input: "2.75 billion EUR", units: 2_750_000_000, nanos: 0, currency: "EUR"),
        Case(input: "  42 usd  ", units: 42, nanos: 0, currency: "USD"),
        Case(input: "10 Mrd. €", units: 10_000_000_000, nanos: 0, currency: "EUR"),
        Case(input: "2,5 M€", units: 2_500_000, nanos: 0, currency: "EUR"),
        Case(input: "USD 1.25 BN", units: 1_250_000_000, nanos: 0, currency: "USD"),
    ]

    @Test(arguments: Self.accepted)
    func parsesExactly(_ testCase: Case) throws {
        let money = try DealMoneyParser().parse(testCase.input)
        #expect(money.units == testCase.units)
        #expect(money.nanos == testCase.nanos)
        #expect(money.currencyCode == testCase.currency)
    }

    @Test func defaultCurrencyApplies() throws {
        let money = try DealMoneyParser(defaultCurrency: "EUR").parse("3M")
        #expect(money.currencyCode == "EUR")
        #expect(money.units == 3_000_000)
    }

    @Test(arguments: [
        ("garbage", "no number"),
        ("12 abc", "unknown word \"abc\""),
        ("1.2.3", "malformed number \"1.2.3\""),
        ("4 00 0", "malformed number \"4 00 0\""),
        ("-5M", "unexpected \"-\""),
        ("5M B", "more than one scale"),
        ("$5 EUR", "two currencies (USD and EUR)"),
        ("0.0000000001", "more precision than a billionth of a unit"),
        ("99999999999T", "too large: the maximum is 1,000,000,000,000,000 (10^15, 1000T) units"),
        ("", "no number"),
    ])
    func rejectsGarbage(input: String, reason: String) {
        #expect {
            try DealMoneyParser().parse(input)
        } throws: { error in
            guard let error = error as? DealMoneyParseError else { return false }
            return error.input == input && error.reason == reason
                && error.description.hasPrefix("invalid amount \"\(input)\" (\(reason)); expected forms like 1.25B")
                && error.description.contains("\"2 milliards de dollars\"")
        }
    }
}
