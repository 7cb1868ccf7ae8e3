import Synchronization

/// The server-wide memory budget that every connection draws on, whatever event loop it runs on.
///
/// Three tallies, each with a limit from ``DealConnectionLimits``: request bytes held for calls whose request has
/// not ended (plus partial frames waiting in decoders), output bytes waiting for clients, and streams whose
/// request has not ended. Reservations never take a tally past its limit (a compare-and-exchange loop), so the
/// limit holds however many loops reserve at once; every reservation is released by the connection that made it.
final class DealServerBudget: Sendable {
    /// What the tallies may reach.
    let requestBytesLimit: Int
    let outputBytesLimit: Int
    let incompleteStreamsLimit: Int

    private let requestBytes = Atomic<Int>(0)
    private let outputBytes = Atomic<Int>(0)
    private let incompleteStreams = Atomic<Int>(0)

    init(limits: DealConnectionLimits) {
        self.requestBytesLimit = limits.maximumServerRequestBytes
        self.outputBytesLimit = limits.maximumServerOutputBytes
        self.incompleteStreamsLimit = limits.maximumServerIncompleteStreams
    }

    /// Request bytes held now, across all connections.
    var heldRequestBytes: Int { self.requestBytes.load(ordering: .relaxed) }
    /// Output bytes waiting now, as last measured by each connection.
    var queuedOutputBytes: Int { self.outputBytes.load(ordering: .relaxed) }
    /// Streams whose request has not ended, across all connections.
    var openIncompleteStreams: Int { self.incompleteStreams.load(ordering: .relaxed) }

    /// Reserves `bytes` of request buffer; false when the server-wide limit would be passed.
    func reserveRequestBytes(_ bytes: Int) -> Bool {
        Self.reserve(bytes, in: self.requestBytes, limit: self.requestBytesLimit)
    }

    func releaseRequestBytes(_ bytes: Int) {
        if bytes > 0 { self.requestBytes.subtract(bytes, ordering: .relaxed) }
    }

    /// Reserves one stream waiting for its request; false when the server-wide limit is reached.
    func reserveIncompleteStream() -> Bool {
        Self.reserve(1, in: self.incompleteStreams, limit: self.incompleteStreamsLimit)
    }

    func releaseIncompleteStream() {
        self.incompleteStreams.subtract(1, ordering: .relaxed)
    }

    /// Moves one connection's measured output from `old` to `new` bytes; returns whether the server-wide total
    /// is within its limit afterwards. Output is measured, not reserved: it is already written when counted.
    func updateOutputBytes(from old: Int, to new: Int) -> Bool {
        let total = self.outputBytes.add(new - old, ordering: .relaxed).newValue
        return total <= self.outputBytesLimit
    }

    private static func reserve(_ amount: Int, in counter: borrowing Atomic<Int>, limit: Int) -> Bool {
        guard amount > 0 else { return true }
        var current = counter.load(ordering: .relaxed)
        while true {
            guard amount <= limit - current else { return false }
            let (exchanged, original) = counter.compareExchange(
                expected: current,
                desired: current + amount,
                ordering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
    }
}
