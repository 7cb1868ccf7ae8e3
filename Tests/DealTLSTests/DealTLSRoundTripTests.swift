import DealTLS
import NIOCore
import NIOPosix
import Testing

/// Deterministic, non-repeating-looking payload bytes so reordering or loss cannot go unnoticed.
func testPayload(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in bytes.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes[index] = UInt8(truncatingIfNeeded: state >> 56)
    }
    return bytes
}

@Suite("NIO client and server round trips over loopback")
struct DealTLSRoundTripTests {
    @Test(
        "One write of a payload is echoed intact",
        arguments: [0, 1, 100, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 1 << 20, 16 << 20]
    )
    func singleWrite(size: Int) async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let client = try await TLSTestClient.connect(
            port: server.port,
            context: DealTLSContext(configuration: pki.clientConfiguration())
        )
        let info = try await client.handshake()
        #expect(info.protocolVersion == "TLSv1.3")
        #expect(info.alpnProtocol == "dealstore/1")

        let payload = testPayload(count: size)
        try await client.channel.writeAndFlush(ByteBuffer(bytes: payload))
        let snapshot = try await client.log.wait(for: "\(size) echoed bytes", timeout: .seconds(30)) {
            $0.receivedCount >= size || $0.inactive
        }
        #expect(snapshot.receivedCount == size)
        #expect(client.log.received == payload)

        try await client.channel.close()
        let serverLog = try await server.connection()
        let serverSnapshot = try await serverLog.wait(for: "server sees clean close") { $0.inactive }
        #expect(serverSnapshot.closeNotifyReceived)
        #expect(serverSnapshot.errors.isEmpty, "server errors: \(serverSnapshot.errors)")
        try await server.close()
    }

    @Test("Many small writes arrive intact and in order", arguments: [(10_000, 7), (2_000, 1_000)])
    func manySmallWrites(count: Int, size: Int) async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let client = try await TLSTestClient.connect(
            port: server.port,
            context: DealTLSContext(configuration: pki.clientConfiguration())
        )
        _ = try await client.handshake()

        let payload = testPayload(count: count * size)
        // Queued before the handshake completes and after: both paths must keep order.
        try await client.channel.eventLoop.submit {
            let sync = client.channel.pipeline.syncOperations
            for index in 0..<count {
                let start = index * size
                let buffer = ByteBuffer(bytes: payload[start..<start + size])
                sync.write(NIOAny(buffer), promise: nil)
                if index % 64 == 63 {
                    sync.flush()
                }
            }
            sync.flush()
        }.get()
        _ = try await client.log.wait(for: "echo of \(count) writes", timeout: .seconds(30)) {
            $0.receivedCount >= payload.count || $0.inactive
        }
        #expect(client.log.received == payload)
        try await client.channel.close()
        try await server.close()
    }

    @Test("Writes made before the handshake completes are sent after it, in order")
    func writesBeforeHandshake() async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let clientContext = try DealTLSContext(configuration: pki.clientConfiguration())
        let log = ConnectionLog()
        let payload = testPayload(count: 50_000)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(clientContext.makeHandler(serverHostname: "localhost"))
                    try sync.addHandler(ConnectionObserver(log: log))
                }
            }
            .connect(host: "127.0.0.1", port: server.port)
            .get()
        try await channel.writeAndFlush(ByteBuffer(bytes: payload))
        let snapshot = try await log.wait(for: "echo") { $0.receivedCount >= payload.count || $0.inactive }
        #expect(snapshot.handshake != nil)
        #expect(log.received == payload)
        try await channel.close()
        try await server.close()
    }

    @Test("Mutual TLS exposes the client's verified identity to the server")
    func mutualTLS() async throws {
        let pki = try TestPKI()
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.clientCertificatePolicy = .required
        serverConfiguration.clientTrustRootsFile = pki.caFile
        let server = try await TLSTestServer(context: DealTLSContext(configuration: serverConfiguration))

        let (certificate, key) = try pki.issueClient(commonName: "alice", uriNames: ["dealstore://user/alice"])
        var clientConfiguration = pki.clientConfiguration()
        clientConfiguration.certificateChainFile = certificate
        clientConfiguration.privateKeyFile = key
        let clientContext = try DealTLSContext(configuration: clientConfiguration)
        let client = try await TLSTestClient.connect(port: server.port, context: clientContext)
        let clientInfo = try await client.handshake()
        #expect(clientInfo.peerIdentity?.commonName == "localhost")
        #expect(clientInfo.peerIdentity?.dnsNames == ["localhost"])
        #expect(clientInfo.peerIdentity?.ipAddresses == ["127.0.0.1", "0:0:0:0:0:0:0:1"])

        try await client.channel.writeAndFlush(ByteBuffer(string: "hello"))
        _ = try await client.log.wait(for: "echo") { $0.receivedCount >= 5 || $0.inactive }
        let serverSnapshot = try await server.connection().wait(for: "server handshake") { $0.handshake != nil }
        let identity = try #require(serverSnapshot.handshake?.peerIdentity)
        #expect(identity.commonName == "alice")
        #expect(identity.uriNames == ["dealstore://user/alice"])
        #expect(identity.dnsNames.isEmpty)
        #expect(identity.sha256Fingerprint.count == 64)
        #expect(identity.sha256Fingerprint == clientContext.certificateFingerprint)
        try await client.channel.close()
        try await server.close()
    }

    @Test("An IP-literal server name is verified against the IP SANs", arguments: ["127.0.0.1", "::1", "[::1]"])
    func ipLiteralHostname(hostname: String) async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let client = try await TLSTestClient.connect(
            port: server.port,
            context: DealTLSContext(configuration: pki.clientConfiguration(hostname: hostname))
        )
        let info = try await client.handshake()
        #expect(info.peerIdentity?.commonName == "localhost")
        try await client.channel.close()
        try await server.close()
    }

    @Test("TLS 1.2 is negotiated only when both sides allow it")
    func tls12WhenConfigured() async throws {
        let pki = try TestPKI()
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.minimumVersion = .tls12
        let server = try await TLSTestServer(context: DealTLSContext(configuration: serverConfiguration))
        let client = try await TLSTestClient.connect(
            port: server.port,
            context: DealTLSContext(configuration: pki.clientConfiguration())
        )
        let info = try await client.handshake()
        // Both allow 1.3, so 1.3 wins; the external-peer tests force 1.2.
        #expect(info.protocolVersion == "TLSv1.3")
        try await client.channel.close()
        try await server.close()
    }
}
