import DealTLS
import NIOCore
import NIOEmbedded

/// A TLS client and server on two EmbeddedChannels with bytes shuttled by hand: no sockets, no threads, no timing.
final class EmbeddedTLSPair {
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    let clientLog = ConnectionLog()
    let serverLog = ConnectionLog()

    init(serverContext: DealTLSContext, clientContext: DealTLSContext) throws {
        self.client = EmbeddedChannel()
        self.server = EmbeddedChannel(loop: self.client.embeddedEventLoop)
        try self.client.pipeline.syncOperations.addHandler(clientContext.makeHandler(serverHostname: "localhost"))
        try self.client.pipeline.syncOperations.addHandler(ConnectionObserver(log: self.clientLog))
        try self.server.pipeline.syncOperations.addHandler(serverContext.makeHandler())
        try self.server.pipeline.syncOperations.addHandler(ConnectionObserver(log: self.serverLog))
    }

    /// Activates both channels (which starts the handshake) and exchanges bytes until both are quiet.
    func connectAndInteract() throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try self.server.connect(to: address).wait()
        try self.client.connect(to: address).wait()
        try self.interact()
    }

    /// Moves every pending outbound buffer to the other side until neither has anything to send.
    func interact() throws {
        var moved = true
        while moved {
            moved = false
            if let bytes = try Self.drainOutbound(self.client), self.server.isActive {
                try self.server.writeInbound(bytes)
                moved = true
            }
            if let bytes = try Self.drainOutbound(self.server), self.client.isActive {
                try self.client.writeInbound(bytes)
                moved = true
            }
        }
    }

    /// Everything `channel` has written, concatenated, or `nil` if nothing.
    static func drainOutbound(_ channel: EmbeddedChannel) throws -> ByteBuffer? {
        var combined: ByteBuffer? = nil
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            if combined == nil {
                combined = buffer
            } else {
                combined!.writeBuffer(&buffer)
            }
        }
        return combined
    }
}
