import DealModel
import Foundation
import Testing

@Suite struct DealMoneyDecimalTests {
    static func money(_ units: Int64, _ nanos: Int32, _ currency: String = "USD") -> DealMoney {
        var money = DealMoney()
        money.units = units
        money.nanos = nanos
        money.currencyCode = currency
        return money
    }

    @Test(
        "money converts to Decimal and back exactly",
        arguments: [
            (Int64(1), Int32(250_000_000), "1.25"),
            (0, 1, "0.000000001"),
            (-12, -500_000_000, "-12.5"),
            (1_000_000_000_000_000, 0, "1000000000000000"),
            (Int64.max, 999_999_999, "9223372036854775807.999999999"),
            (0, 0, "0"),
        ]
    )
    func roundTrip(units: Int64, nanos: Int32, text: String) throws {
        let money = Self.money(units, nanos)
        #expect(money.decimalValue == Decimal(string: text))
        let back = try DealMoney(money.decimalValue, currencyCode: "USD")
        #expect(back == money)
    }

    @Test("a Decimal with more than nine fractional digits is refused, not rounded")
    func tooPrecise() {
        #expect {
            try DealMoney(Decimal(string: "0.0000000001")!, currencyCode: "EUR")
        } throws: { error in
            (error as? DealMoneyConversionError)?.code == .tooPrecise
        }
    }

    @Test(
        "a Decimal beyond 64-bit units is refused, never trapping",
        arguments: ["9223372036854775808", "1e30", "-1e25"]
    )
    func tooLarge(text: String) {
        #expect {
            try DealMoney(Decimal(string: text)!, currencyCode: "USD")
        } throws: { error in
            (error as? DealMoneyConversionError)?.code == .tooLarge
        }
    }

    @Test("NaN is refused")
    func notANumber() {
        #expect {
            try DealMoney(Decimal.nan, currencyCode: "USD")
        } throws: { error in
            (error as? DealMoneyConversionError)?.code == .notANumber
        }
    }

    @Test("the human forms parse and format through DealMoney itself")
    func textForms() throws {
        let money = try DealMoney(parsing: "1,25 Md$")
        #expect(money.decimalValue == Decimal(1_250_000_000))
        #expect(money.formatted == "$1.25B")
        #expect(try DealMoney(parsing: "3M", defaultCurrency: "EUR").formatted == "€3M")
        #expect(Self.money(12, 500_000_000).plainDecimal == "12.5")
    }
}
