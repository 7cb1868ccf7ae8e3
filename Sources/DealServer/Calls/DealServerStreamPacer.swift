import Synchronization

/// Lets an async producer (a change feed) wait for its stream to be writable instead of queueing without limit.
///
/// The connection pauses a stream while the client's window is closed or the channel holds more unwritten output
/// than its high-water mark, and calls the call's `writable()` when either opens again (commit fc3aeaa's
/// mechanism, ``DealServerCallWriter/isWritable``). A producer hands each batch to the loop with a ticket
/// (``DealServerCallWriter/send(_:pacedBy:)``): the loop answers the ticket at once when the stream is still
/// writable after the batch, and otherwise `writable()` answers it later. So at most one batch per stream waits
/// behind a closed window, whatever the client does.
final class DealServerStreamPacer: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Bool, Never>?
        var ticket: UInt64 = 0
        var ended = false
    }

    private let state = Mutex(State())

    /// Registers the producer's wait for the batch about to be handed to the loop; returns its ticket, or `nil`
    /// (having answered `false`) when the stream has ended.
    func wait(_ continuation: CheckedContinuation<Bool, Never>) -> UInt64? {
        let ticket: UInt64? = self.state.withLock { state in
            if state.ended { return nil }
            state.ticket &+= 1
            state.waiter = continuation
            return state.ticket
        }
        if ticket == nil { continuation.resume(returning: false) }
        return ticket
    }

    /// The loop found the stream still writable after the batch with this ticket.
    func proceed(ticket: UInt64) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard state.ticket == ticket else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: true)
    }

    /// The connection says the stream may write again.
    func writable() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: true)
    }

    /// The stream ended (cancelled, expired, connection gone): the producer's wait answers `false`, now and later.
    func end() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.ended = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: false)
    }
}
