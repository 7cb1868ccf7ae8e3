import DealModel
import Testing

@Suite struct DealMoneyFormatterTests {
    static func money(_ units: Int64, _ nanos: Int32 = 0, _ currency: String = "USD") -> Dealstore_V1_Money {
        var money = Dealstore_V1_Money()
        money.units = units
        money.nanos = nanos
        money.currencyCode = currency
        return money
    }

    @Test(arguments: [
        (Self.money(1_250_000_000), "$1.25B"),
        (Self.money(300_000_000), "$300M"),
        (Self.money(2_500_000, 0, "EUR"), "€2.5M"),
        (Self.money(1_500_000_000, 0, "CHF"), "1.5B CHF"),
        (Self.money(10_000_000_000), "$10B"),
        (Self.money(4_000_000_000, 0, "GBP"), "£4B"),
        (Self.money(7_000_000, 0, "JPY"), "¥7M"),
        (Self.money(1_234_567_890), "$1.23B"),
        (Self.money(1_235_000_000), "$1.24B"),
        (Self.money(1_999_000_000), "$2B"),
        (Self.money(1_050_000_000), "$1.05B"),
        (Self.money(250_000), "$250K"),
        (Self.money(12, 500_000_000), "$12.5"),
        (Self.money(999), "$999"),
        (Self.money(2_000_000_000_000), "$2T"),
        (Self.money(5, 0, ""), "5"),
    ])
    func formatsForPeople(_ money: Dealstore_V1_Money, _ expected: String) {
        #expect(DealMoneyFormatter.format(money) == expected)
    }

    @Test func plainDecimalIsExact() {
        #expect(DealMoneyFormatter.plainDecimal(Self.money(1_250_000_000)) == "1250000000")
        #expect(DealMoneyFormatter.plainDecimal(Self.money(12, 500_000_000)) == "12.5")
        #expect(DealMoneyFormatter.plainDecimal(Self.money(0, 1)) == "0.000000001")
    }

    @Test(arguments: ["$1.25B", "$300M", "€2.5M", "1.5B CHF", "£4B"])
    func formattingRoundTripsThroughParser(_ text: String) throws {
        #expect(DealMoneyFormatter.format(try DealMoneyParser().parse(text)) == text)
    }
}
