/// How many of one connection's calls wait for a `min-revision` (PROTOCOL.md "Consistency"), bounded like the
/// connection's other resources: each holds a store waiter and a timer, so a client may not park unlimited calls.
///
/// Used only on its connection's event loop, like the connection itself.
final class DealRevisionWaitCounter {
    /// The default bound per connection, the same as for requests that have not ended.
    static let defaultLimit = 32

    let limit: Int
    private(set) var waiting = 0

    init(limit: Int = DealRevisionWaitCounter.defaultLimit) {
        self.limit = limit
    }

    /// Takes a slot; `false` when all are taken.
    func acquire() -> Bool {
        guard self.waiting < self.limit else { return false }
        self.waiting += 1
        return true
    }

    /// Gives a slot back.
    func release() {
        self.waiting = max(0, self.waiting - 1)
    }
}
