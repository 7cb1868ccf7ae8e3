public import Foundation

extension DealMoney {
    /// The amount as an exact `Decimal`: `units + nanos / 10^9`, e.g. 1.25 for units 1 and nanos 250 000 000.
    ///
    /// Every `DealMoney` fits: a `Decimal` holds 38 significant digits and money needs at most 28.
    public var decimalValue: Decimal {
        Decimal(self.units) + Decimal(sign: .plus, exponent: -9, significand: Decimal(Int(self.nanos)))
    }

    /// Creates money worth exactly `amount` in `currencyCode` (ISO 4217, e.g. `USD`).
    ///
    /// Throws ``DealMoneyConversionError`` rather than rounding or trapping when `amount` is NaN, has more than
    /// nine fractional digits, or has more whole units than `units` holds. The store refuses amounts above 10^15
    /// units with its own error (see PROTOCOL.md, data conventions).
    public init(_ amount: Decimal, currencyCode: String) throws(DealMoneyConversionError) {
        // The description is the exact value in plain decimal digits ("-12.5", "1000000"), never scientific
        // notation, so reading it digit by digit with checked arithmetic converts without floating point.
        let text = amount.description
        guard !amount.isNaN, let parts = Self.digits(of: text) else {
            throw DealMoneyConversionError(
                code: .notANumber,
                message: "\(text) is not a number; money needs a finite decimal amount",
                value: text
            )
        }
        var fraction = parts.fraction
        while fraction.last == 0 {
            fraction.removeLast()
        }
        guard fraction.count <= 9 else {
            throw DealMoneyConversionError(
                code: .tooPrecise,
                message: "\(text) has more than nine fractional digits; money is exact to a billionth of a unit, "
                    + "so round it first (e.g. with NSDecimalRound)",
                value: text
            )
        }
        var units: Int64 = 0
        for digit in parts.whole {
            let (times, overflow1) = units.multipliedReportingOverflow(by: 10)
            let (plus, overflow2) = times.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else {
                throw DealMoneyConversionError(
                    code: .tooLarge,
                    message: "\(text) has more whole units than money holds (at most \(Int64.max))",
                    value: text
                )
            }
            units = plus
        }
        var nanos: Int32 = 0
        for index in 0..<9 {
            nanos = nanos * 10 + Int32(index < fraction.count ? fraction[index] : 0)
        }
        self.init()
        self.currencyCode = currencyCode
        // units and nanos carry the same sign (PROTOCOL.md, data conventions); -Int64.max is the most negative.
        self.units = parts.negative ? -units : units
        self.nanos = parts.negative ? -nanos : nanos
    }

    /// Splits a plain decimal string into sign, whole digits and fraction digits; `nil` for anything else.
    private static func digits(of text: String) -> (negative: Bool, whole: [UInt8], fraction: [UInt8])? {
        var rest = Substring(text)
        let negative = rest.first == "-"
        if negative {
            rest.removeFirst()
        }
        var whole: [UInt8] = []
        var fraction: [UInt8] = []
        var seenPoint = false
        for character in rest {
            if character == "." && !seenPoint {
                seenPoint = true
            } else if let value = character.asciiValue, (48...57).contains(value) {
                if seenPoint {
                    fraction.append(value - 48)
                } else {
                    whole.append(value - 48)
                }
            } else {
                return nil
            }
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        return (negative, whole, fraction)
    }
}
