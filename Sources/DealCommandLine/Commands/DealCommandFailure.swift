/// A failure a command reports as one line on stderr and an exit status.
public struct DealCommandFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line saying what went wrong and what to do.
    public var message: String
    /// The exit status.
    public var exitCode: DealExitCode

    /// Creates a failure.
    public init(_ message: String, exitCode: DealExitCode) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String {
        self.message
    }
}
