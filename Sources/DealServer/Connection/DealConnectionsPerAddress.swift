import Synchronization

/// Open connections counted per client address, so that one host cannot take every connection slot
/// (`limits.max_connections_per_address`).
///
/// A client that opens bare TCP connections and never finishes a TLS handshake holds each slot for the handshake
/// timeout; renewing them, one address could keep `limits.max_connections` full and every other client out. The
/// count is per IP address (the port is ignored); connections whose address is unknown (a Unix socket) are not
/// counted. Taken once per accepted and per closed connection, never per call.
final class DealConnectionsPerAddress: Sendable {
    private let limit: Int
    private let counts = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts one more connection from `address`; false (nothing counted) when it already has `limit`.
    func tryOpen(_ address: String?) -> Bool {
        guard let address else { return true }
        return self.counts.withLock { counts in
            let current = counts[address, default: 0]
            guard current < self.limit else { return false }
            counts[address] = current + 1
            return true
        }
    }

    /// One connection from `address` closed.
    func closed(_ address: String?) {
        guard let address else { return }
        self.counts.withLock { counts in
            let remaining = counts[address, default: 1] - 1
            counts[address] = remaining > 0 ? remaining : nil
        }
    }

    /// Connections open from `address` (for tests).
    func count(_ address: String) -> Int {
        self.counts.withLock { $0[address, default: 0] }
    }
}
