/// A `Decimal` that no ``DealMoney`` can hold exactly; the message says what did not fit and what to do.
public struct DealMoneyConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the value does not fit.
    public enum Code: String, Sendable, Equatable {
        /// NaN or another value that is not a number.
        case notANumber
        /// More than nine fractional digits (money is exact to a billionth of a unit).
        case tooPrecise
        /// Whole units beyond what `units` (a signed 64-bit integer) holds.
        case tooLarge
    }

    /// Why the value does not fit.
    public var code: Code
    /// What was wrong and what to do, naming the value.
    public var message: String
    /// The value as written by `Decimal`'s description.
    public var value: String

    /// Creates an error for `value`.
    public init(code: Code, message: String, value: String) {
        self.code = code
        self.message = message
        self.value = value
    }

    public var description: String {
        self.message
    }
}
