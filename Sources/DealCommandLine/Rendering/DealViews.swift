import DealModel

/// Builds the ``DealOutputDocument`` of each command's result: which columns, how cells read, what JSON holds.
///
/// Pure functions of the response messages, so every view is unit-tested without a server.
public enum DealViews {
    /// A money cell for people; empty when unset.
    static func money(_ money: Dealstore_V1_Money) -> String {
        money.currencyCode.isEmpty && money.units == 0 && money.nanos == 0 ? "" : DealMoneyFormatter.format(money)
    }

    /// The exact decimal of `money` for CSV; empty when unset.
    static func plainMoney(_ money: Dealstore_V1_Money) -> String {
        money.currencyCode.isEmpty && money.units == 0 && money.nanos == 0 ? "" : DealMoneyFormatter.plainDecimal(money)
    }

    /// A fraction as a percentage for people: `10%`, `~10%`, `33.3%`, `<50%` (an upper bound).
    static func percentage(_ fraction: Dealstore_V1_Fraction) -> String {
        // Tenths of a percent, rounded half up, in integers; a fraction too large to scale is not shown rather
        // than trapping on overflow.
        let (scaled, overflow) = fraction.numerator.multipliedReportingOverflow(by: 2000)
        guard fraction.denominator > 0, fraction.numerator >= 0, !overflow,
            fraction.denominator <= Int64.max / 2 - 1, scaled <= Int64.max - fraction.denominator
        else { return "" }
        let tenths = (scaled + fraction.denominator) / (fraction.denominator * 2)
        let text = tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
        // An upper bound ("a minority stake" is below 1/2) is not a value: print it as one.
        if fraction.upperBound {
            return "<" + text
        }
        return (fraction.approximate ? "~" : "") + text
    }

    /// "1 deal", "5 deals".
    static func count(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }
}
