/// Input the command line cannot use (a bad date, flag value, file or JSON line); exits with status 2.
public struct DealInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line saying what is wrong and what is accepted.
    public var message: String

    /// Creates an error with a one-line message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String {
        self.message
    }
}
