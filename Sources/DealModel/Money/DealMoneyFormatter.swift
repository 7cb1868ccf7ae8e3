/// Formats exact amounts the way people read them: `$1.25B`, `$300M`, `€2.5M`, `1.5B CHF`.
///
/// USD, EUR, GBP and JPY get their symbol in front; other currencies get their code after the number. Amounts of
/// a thousand or more are scaled (K, M, B, T) and shown with at most two decimals, rounded half up; smaller amounts
/// are shown with their cents when they have any. The arithmetic is exact decimal.
public enum DealMoneyFormatter {
    /// The symbols written before the number.
    public static let symbols: [String: String] = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"]

    /// Formats `money` for people; an empty currency prints the number alone.
    public static func format(_ money: Dealstore_V1_Money) -> String {
        let number = Self.scaledNumber(units: money.units, nanos: money.nanos)
        let code = money.currencyCode
        if let symbol = Self.symbols[code] {
            return symbol + number
        }
        return code.isEmpty ? number : number + " " + code
    }

    /// Formats `money` exactly as a plain decimal (`1250000000`, `12.5`), for CSV and scripts.
    public static func plainDecimal(_ money: Dealstore_V1_Money) -> String {
        let negative = money.units < 0 || money.nanos < 0
        let units = money.units.magnitude
        let nanos = UInt64(money.nanos.magnitude)
        var text = String(units)
        if nanos != 0 {
            var fraction = String(nanos)
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.hasSuffix("0") {
                fraction.removeLast()
            }
            text += "." + fraction
        }
        return negative ? "-" + text : text
    }

    /// `units.nanos` scaled to K/M/B/T with at most two decimals.
    private static func scaledNumber(units: Int64, nanos: Int32) -> String {
        let negative = units < 0 || nanos < 0
        let magnitude = units.magnitude
        let scales: [(UInt64, String)] = [
            (1_000_000_000_000, "T"), (1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K"),
        ]
        var text: String
        if let (divisor, suffix) = scales.first(where: { magnitude >= $0.0 }) {
            // Hundredths of the scaled unit, rounded half up; nanos cannot change the result at these scales
            // except through rounding, which they join via the remainder comparison.
            let whole = magnitude / divisor
            let remainder = magnitude % divisor
            var hundredths = remainder * 100 / divisor
            let leftover = remainder * 100 % divisor
            var wholePart = whole
            if leftover * 2 >= divisor {
                hundredths += 1
                if hundredths == 100 {
                    hundredths = 0
                    wholePart += 1
                }
            }
            text = String(wholePart) + Self.fraction(hundredths) + suffix
        } else {
            let cents = (UInt64(nanos.magnitude) + 5_000_000) / 10_000_000
            text = String(magnitude + cents / 100) + Self.fraction(cents % 100)
        }
        return negative ? "-" + text : text
    }

    private static func fraction(_ hundredths: UInt64) -> String {
        if hundredths == 0 {
            return ""
        }
        if hundredths % 10 == 0 {
            return "." + String(hundredths / 10)
        }
        return hundredths < 10 ? ".0" + String(hundredths) : "." + String(hundredths)
    }
}
