/// An amount that ``DealMoneyParser`` cannot read; the message names the input and the accepted forms.
public struct DealMoneyParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public var input: String
    /// What is wrong with it, e.g. `unknown word "foo"`.
    public var reason: String

    /// Creates an error for `input`.
    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String {
        "invalid amount \"\(self.input)\" (\(self.reason)); expected forms like \(DealMoneyParser.acceptedForms)"
    }
}
