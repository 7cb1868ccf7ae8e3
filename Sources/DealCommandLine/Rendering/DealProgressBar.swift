import Synchronization

/// A progress bar redrawn in place on stderr (only when stderr is a terminal).
public final class DealProgressBar: Sendable {
    private let total: Int
    private let label: String
    private let write: @Sendable (String) -> Void
    // The last percentage drawn: redrawing only on change keeps a 100 000-line import from flooding the terminal.
    private let lastDrawn = Mutex<Int>(-1)

    /// Creates a bar for `total` steps, drawn through `write`.
    public init(total: Int, label: String, write: @escaping @Sendable (String) -> Void) {
        self.total = max(total, 1)
        self.label = label
        self.write = write
    }

    /// Draws `done` of the total steps if the shown percentage changed.
    public func update(_ done: Int) {
        let percent = min(done * 100 / self.total, 100)
        let changed = self.lastDrawn.withLock { last in
            defer { last = percent }
            return last != percent
        }
        guard changed else { return }
        let bar = DealTableRenderer.bar(fraction: Double(percent) / 100, width: 30)
        let padded = bar + String(repeating: " ", count: max(0, 30 - bar.count))
        self.write("\r\(self.label) \(padded) \(percent)% (\(min(done, self.total))/\(self.total))")
    }

    /// Erases the bar so the summary starts on a clean line.
    public func finish() {
        self.write("\r\u{1B}[K")
    }
}
