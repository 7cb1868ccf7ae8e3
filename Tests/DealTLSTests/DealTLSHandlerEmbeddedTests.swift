import DealTLS
import NIOCore
import NIOEmbedded
import Testing

@Suite("DealTLSHandler on EmbeddedChannels")
struct DealTLSHandlerEmbeddedTests {
    private func makePair(
        configureServer: (inout DealTLSConfiguration) -> Void = { _ in }
    ) throws -> (EmbeddedTLSPair, TestPKI) {
        let pki = try TestPKI()
        var serverConfiguration = pki.serverConfiguration()
        configureServer(&serverConfiguration)
        let pair = try EmbeddedTLSPair(
            serverContext: DealTLSContext(configuration: serverConfiguration),
            clientContext: DealTLSContext(configuration: pki.clientConfiguration())
        )
        return (pair, pki)
    }

    @Test("Handshake completes on both sides and reports what was negotiated")
    func handshake() throws {
        let (pair, _) = try self.makePair()
        try pair.connectAndInteract()
        let client = try #require(pair.clientLog.snapshot.handshake)
        let server = try #require(pair.serverLog.snapshot.handshake)
        #expect(client.protocolVersion == "TLSv1.3")
        #expect(server.protocolVersion == "TLSv1.3")
        #expect(client.alpnProtocol == "dealstore/1")
        #expect(server.alpnProtocol == "dealstore/1")
        #expect(client.cipher == server.cipher)
        #expect(client.peerIdentity?.commonName == "localhost")
        #expect(server.peerIdentity == nil)
    }

    @Test("A burst of records read at once is handed on as one ByteBuffer")
    func readBurstIsOneBuffer() throws {
        let (pair, _) = try self.makePair()
        try pair.connectAndInteract()
        let payload = testPayload(count: 20 * 3000)
        for index in 0..<20 {
            pair.client.write(ByteBuffer(bytes: payload[index * 3000..<(index + 1) * 3000]), promise: nil)
        }
        pair.client.flush()
        let ciphertext = try #require(try EmbeddedTLSPair.drainOutbound(pair.client))
        let readsBefore = pair.serverLog.snapshot.readCount
        try pair.server.writeInbound(ciphertext)
        #expect(pair.serverLog.snapshot.readCount == readsBefore + 1)
        #expect(pair.serverLog.received == payload)
    }

    @Test(
        "A write that ends on an internal chunk boundary is still flushed completely",
        arguments: [256 * 1024, 512 * 1024, 256 * 1024 + 1, 1 << 20]
    )
    func largeWriteIsFlushed(size: Int) throws {
        let (pair, _) = try self.makePair()
        try pair.connectAndInteract()
        let payload = testPayload(count: size)
        pair.client.writeAndFlush(ByteBuffer(bytes: payload), promise: nil)
        let ciphertext = try #require(try EmbeddedTLSPair.drainOutbound(pair.client))
        #expect(ciphertext.readableBytes > size)
        try pair.server.writeInbound(ciphertext)
        #expect(pair.serverLog.received == payload)
    }

    @Test("Closing sends close_notify; the peer answers and neither side reports an error")
    func cleanClose() throws {
        let (pair, _) = try self.makePair()
        try pair.connectAndInteract()
        let closed = pair.client.close()
        try pair.interact()
        try closed.wait()
        #expect(!pair.client.isActive)
        #expect(pair.serverLog.snapshot.closeNotifyReceived)
        #expect(!pair.server.isActive)
        #expect(pair.serverLog.snapshot.errors.isEmpty)
        #expect(pair.clientLog.snapshot.errors.isEmpty)
    }

    @Test("A peer vanishing after the handshake without close_notify is reported as uncleanShutdown")
    func uncleanShutdown() throws {
        let (pair, _) = try self.makePair()
        try pair.connectAndInteract()
        pair.server.pipeline.fireChannelInactive()
        let error = try #require(pair.serverLog.snapshot.tlsErrors.first)
        #expect(error.code == .uncleanShutdown)
        #expect(error.message.contains("close_notify"))
    }

    @Test("A peer vanishing mid-handshake is reported as connectionClosedDuringHandshake")
    func closedDuringHandshake() throws {
        let (pair, _) = try self.makePair()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try pair.server.connect(to: address).wait()
        pair.server.pipeline.fireChannelInactive()
        let error = try #require(pair.serverLog.snapshot.tlsErrors.first)
        #expect(error.code == .connectionClosedDuringHandshake)
    }

    @Test("Garbage instead of a ClientHello fails the handshake and closes", arguments: [1, 5, 100, 4096])
    func garbage(size: Int) throws {
        let (pair, _) = try self.makePair()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try pair.server.connect(to: address).wait()
        // 0x16 is the handshake record type; starting elsewhere makes sure the first byte alone is wrong. The rest
        // is a fixed pattern so OpenSSL's reason is the same on every run (random bytes vary it).
        var bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        bytes[0] = 0x42
        try pair.server.writeInbound(ByteBuffer(bytes: bytes))
        if size < 5 {
            // Not even a full record header yet: OpenSSL waits for more, and the timeout covers a silent peer.
            #expect(pair.server.isActive)
            return
        }
        let error = try #require(pair.serverLog.snapshot.tlsErrors.first)
        #expect(error.code == .handshakeFailed)
        #expect(error.message.contains("wrong version number") || error.message.contains("record"))
        #expect(!pair.server.isActive)
    }

    @Test("The handshake timeout closes a silent connection")
    func handshakeTimeout() throws {
        let (pair, _) = try self.makePair { $0.handshakeTimeout = .milliseconds(300) }
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try pair.server.connect(to: address).wait()
        pair.server.embeddedEventLoop.advanceTime(by: .milliseconds(299))
        #expect(pair.server.isActive)
        pair.server.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        let error = try #require(pair.serverLog.snapshot.tlsErrors.first)
        #expect(error.code == .handshakeTimeout)
        #expect(error.message.contains("300 ms"))
        #expect(!pair.server.isActive)
    }

    @Test("A completed handshake cancels the timeout")
    func timeoutCancelled() throws {
        let (pair, _) = try self.makePair { $0.handshakeTimeout = .milliseconds(300) }
        try pair.connectAndInteract()
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(pair.server.isActive)
        #expect(pair.serverLog.snapshot.errors.isEmpty)
    }

    @Test("Write promises succeed in order, including zero-byte writes")
    func writePromises() throws {
        let (pair, _) = try self.makePair()
        try pair.connectAndInteract()
        let first = pair.client.eventLoop.makePromise(of: Void.self)
        let empty = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.write(ByteBuffer(string: "abc"), promise: first)
        pair.client.write(ByteBuffer(), promise: empty)
        pair.client.flush()
        try first.futureResult.wait()
        try empty.futureResult.wait()
        try pair.interact()
        #expect(pair.serverLog.received == Array("abc".utf8))
    }

    @Test("Writes after close fail instead of vanishing")
    func writeAfterClose() throws {
        let (pair, _) = try self.makePair()
        try pair.connectAndInteract()
        pair.client.close(promise: nil)
        let promise = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.writeAndFlush(ByteBuffer(string: "late"), promise: promise)
        #expect(throws: (any Error).self) { try promise.futureResult.wait() }
    }
}
