import DealTLS
import NIOCore
import NIOPosix
import Synchronization

/// A TLS echo server on 127.0.0.1, port 0, recording every accepted connection.
final class TLSTestServer: Sendable {
    let context: DealTLSContext
    let channel: any Channel
    private let registry: ConnectionRegistry

    var port: Int { self.channel.localAddress!.port! }

    var connections: [ConnectionLog] {
        self.registry.logs.withLock { $0 }
    }

    init(
        context: DealTLSContext,
        closeAfterBytes: Int? = nil,
        keepBytes: Bool = false
    ) async throws {
        self.context = context
        let registry = ConnectionRegistry()
        self.registry = registry
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let log = ConnectionLog()
                    registry.logs.withLock { $0.append(log) }
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(context.makeHandler())
                    try sync.addHandler(ConnectionObserver(log: log, keepBytes: keepBytes))
                    try sync.addHandler(EchoHandler(closeAfterBytes: closeAfterBytes))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    /// Waits for the `index`th accepted connection to exist.
    func connection(_ index: Int = 0, timeout: Duration = .seconds(15)) async throws -> ConnectionLog {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let logs = self.connections
            if logs.count > index {
                return logs[index]
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestTimeout(what: "server connection \(index)", snapshot: "\(self.connections.count) connections")
    }

    func close() async throws {
        try await self.channel.close()
    }
}
