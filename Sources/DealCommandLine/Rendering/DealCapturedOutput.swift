import Synchronization

/// Collects what a command writes, for tests and for callers that post-process output.
public final class DealCapturedOutput: Sendable {
    private let storage = Mutex<(out: String, error: String)>(("", ""))

    /// Creates an empty capture.
    public init() {}

    /// Everything written to stdout so far.
    public var standardOutput: String {
        self.storage.withLock { $0.out }
    }

    /// Everything written to stderr so far.
    public var standardError: String {
        self.storage.withLock { $0.error }
    }

    /// A ``DealOutput`` writing into this capture, with both streams reported as not terminals.
    public var output: DealOutput {
        DealOutput(
            writeOut: { text in self.storage.withLock { $0.out += text } },
            writeError: { text in self.storage.withLock { $0.error += text } }
        )
    }
}
