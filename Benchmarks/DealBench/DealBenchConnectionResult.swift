import Histogram

/// What one connection measured in one run.
struct DealBenchConnectionResult: Sendable {
    /// Latency of every call completed in the measured window, in nanoseconds.
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    /// Calls completed with OK in the window.
    var succeeded = 0
    /// Calls completed with another status in the window, or lost with the connection.
    var errors = 0
    /// Error counts by status code (-1: the connection failed).
    var errorCodes: [Int32: Int] = [:]
    /// The first error's text, to say what went wrong.
    var firstError: String?
    /// MESSAGE payload bytes received in the window.
    var responseBytes = 0

    mutating func recordError(code: Int32, message: String) {
        self.errors += 1
        self.errorCodes[code, default: 0] += 1
        if self.firstError == nil {
            self.firstError = "status \(code): \(message)"
        }
    }

    /// Adds another connection's figures to these.
    mutating func merge(_ other: DealBenchConnectionResult) {
        self.histogram.add(other.histogram)
        self.succeeded += other.succeeded
        self.errors += other.errors
        for (code, count) in other.errorCodes { self.errorCodes[code, default: 0] += count }
        if self.firstError == nil { self.firstError = other.firstError }
        self.responseBytes += other.responseBytes
    }
}
