/// A `deals` subcommand that runs against an injected ``DealCommandContext`` (so tests capture its output).
public protocol DealCommandRunnable {
    /// Runs the command, writing through `context`; throws to report a failure and its exit status.
    func run(in context: DealCommandContext) async throws
}
