import DealTLS
import NIOCore
import Synchronization

/// What happened on one connection, recorded on the event loop and read by the test.
final class ConnectionLog: Sendable {
    struct Snapshot: Sendable {
        var handshake: DealTLSHandshakeInfo?
        var errors: [any Error] = []
        var receivedCount = 0
        var readCount = 0
        var closeNotifyReceived = false
        var inactive = false

        var tlsErrors: [DealTLSError] {
            self.errors.compactMap { $0 as? DealTLSError }
        }
    }

    private let state = Mutex(Snapshot())
    /// Kept apart from the snapshot so polling never copies (or forces copies of) megabytes.
    private let bytes = Mutex(ByteBuffer())

    /// Every plaintext byte received so far.
    var received: [UInt8] {
        self.bytes.withLock { Array($0.readableBytesView) }
    }

    func append(_ buffer: ByteBuffer, keep: Bool) {
        if keep {
            self.bytes.withLock { stored in
                var copy = buffer
                stored.writeBuffer(&copy)
            }
        }
        self.state.withLock { snapshot in
            snapshot.readCount += 1
            snapshot.receivedCount += buffer.readableBytes
        }
    }

    var snapshot: Snapshot {
        self.state.withLock { $0 }
    }

    func update(_ body: (inout Snapshot) -> Void) {
        self.state.withLock { body(&$0) }
    }

    /// Polls until `condition` holds; fails the test (by throwing) after `timeout` so nothing ever hangs.
    @discardableResult
    func wait(
        for what: String,
        timeout: Duration = .seconds(15),
        until condition: (Snapshot) -> Bool
    ) async throws -> Snapshot {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let snapshot = self.snapshot
            if condition(snapshot) {
                return snapshot
            }
            if clock.now >= deadline {
                throw TestTimeout(what: what, snapshot: "\(snapshot.handshake as Any) errors=\(snapshot.errors)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
