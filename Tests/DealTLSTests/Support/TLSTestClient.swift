import DealTLS
import NIOCore
import NIOPosix
import Synchronization

/// A NIO client connection through a ``DealTLSHandler``.
struct TLSTestClient: Sendable {
    let channel: any Channel
    let log: ConnectionLog

    static func connect(
        port: Int,
        context: DealTLSContext,
        serverHostname: String? = nil,
        keepBytes: Bool = true
    ) async throws -> TLSTestClient {
        let log = ConnectionLog()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(context.makeHandler(serverHostname: serverHostname))
                    try sync.addHandler(ConnectionObserver(log: log, keepBytes: keepBytes))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TLSTestClient(channel: channel, log: log)
    }

    /// Connects without TLS, for peers that speak plaintext or nothing at all.
    static func connectPlain(port: Int) async throws -> TLSTestClient {
        let log = ConnectionLog()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionObserver(log: log))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TLSTestClient(channel: channel, log: log)
    }

    func handshake() async throws -> DealTLSHandshakeInfo {
        let snapshot = try await self.log.wait(for: "client handshake") { $0.handshake != nil || $0.inactive }
        guard let info = snapshot.handshake else {
            throw snapshot.errors.first ?? TestTimeout(what: "handshake", snapshot: "closed without error")
        }
        return info
    }
}
