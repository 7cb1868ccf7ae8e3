import DealTLS
import NIOCore
import NIOPosix
import Testing

@Suite("Handshakes that must fail cleanly, with a clear error")
struct DealTLSNegativeTests {
    /// Connects a DealTLS client and waits until the client connection is closed; returns both sides' logs.
    private func failedConnection(
        server serverConfiguration: DealTLSConfiguration,
        client clientConfiguration: DealTLSConfiguration,
        serverHostname: String? = nil
    ) async throws -> (client: ConnectionLog.Snapshot, server: ConnectionLog.Snapshot) {
        let server = try await TLSTestServer(context: DealTLSContext(configuration: serverConfiguration))
        let client = try await TLSTestClient.connect(
            port: server.port,
            context: DealTLSContext(configuration: clientConfiguration),
            serverHostname: serverHostname
        )
        // Some failures (a client certificate rejected under TLS 1.3) surface only after the client's handshake.
        try await client.channel.writeAndFlush(ByteBuffer(string: "ping"))
            .flatMapErrorWithEventLoop { _, loop in loop.makeSucceededVoidFuture() }
            .get()
        let clientSnapshot = try await client.log.wait(for: "client closed") { $0.inactive }
        let serverSnapshot = try await server.connection().wait(for: "server connection closed") { $0.inactive }
        try await server.close()
        return (clientSnapshot, serverSnapshot)
    }

    @Test("A server certificate from an untrusted CA is rejected")
    func untrustedCA() async throws {
        let pki = try TestPKI()
        let otherPKI = try TestPKI()
        let (client, server) = try await self.failedConnection(
            server: pki.serverConfiguration(),
            client: otherPKI.clientConfiguration()
        )
        #expect(client.handshake == nil)
        #expect(server.handshake == nil)
        let error = try #require(client.tlsErrors.first)
        #expect(error.code == .certificateVerificationFailed)
        #expect(error.message.contains("unable to get local issuer certificate"), "\(error)")
        #expect(error.message.contains("CN=localhost"), "names the certificate: \(error)")
        let serverError = try #require(server.tlsErrors.first)
        #expect(serverError.code == .handshakeFailed)
        #expect(serverError.message.contains("unknown ca"), "\(serverError)")
    }

    @Test(
        "A certificate for another name is rejected",
        arguments: [
            ("wrong.example", "hostname mismatch"), ("10.9.8.7", "IP address mismatch"),
            ("localhost.evil.example", "hostname mismatch"),
        ]
    )
    func wrongHostname(hostname: String, reason: String) async throws {
        let pki = try TestPKI()
        let (client, server) = try await self.failedConnection(
            server: pki.serverConfiguration(),
            client: pki.clientConfiguration(hostname: hostname)
        )
        #expect(client.handshake == nil)
        #expect(server.handshake == nil)
        let error = try #require(client.tlsErrors.first)
        #expect(error.code == .certificateVerificationFailed)
        #expect(error.message.contains(reason), "\(error)")
    }

    @Test("An expired server certificate is rejected")
    func expiredCertificate() async throws {
        let pki = try TestPKI()
        let (certificate, key) = try pki.issueServer(name: "expired", validity: .expired)
        let (client, _) = try await self.failedConnection(
            server: .server(certificateChainFile: certificate, privateKeyFile: key),
            client: pki.clientConfiguration()
        )
        #expect(client.handshake == nil)
        let error = try #require(client.tlsErrors.first)
        #expect(error.code == .certificateVerificationFailed)
        #expect(error.message.contains("certificate has expired"), "\(error)")
    }

    @Test("A client without a certificate is rejected when one is required")
    func missingClientCertificate() async throws {
        let pki = try TestPKI()
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.clientCertificatePolicy = .required
        serverConfiguration.clientTrustRootsFile = pki.caFile
        let (client, server) = try await self.failedConnection(
            server: serverConfiguration,
            client: pki.clientConfiguration()
        )
        #expect(server.handshake == nil)
        let serverError = try #require(server.tlsErrors.first)
        #expect(serverError.code == .certificateVerificationFailed)
        #expect(serverError.message.contains("peer did not return a certificate"), "\(serverError)")
        // Under TLS 1.3 the client finishes its side first and learns of the rejection from the alert.
        let clientError = try #require(client.tlsErrors.first)
        #expect(clientError.message.contains("certificate required"), "\(clientError)")
        #expect(client.receivedCount == 0)
    }

    @Test("A client certificate from an untrusted CA is rejected even when certificates are optional")
    func untrustedClientCertificate() async throws {
        let pki = try TestPKI()
        let otherPKI = try TestPKI()
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.clientCertificatePolicy = .optional
        serverConfiguration.clientTrustRootsFile = pki.caFile
        let (certificate, key) = try otherPKI.issueClient(commonName: "mallory")
        var clientConfiguration = pki.clientConfiguration()
        clientConfiguration.certificateChainFile = certificate
        clientConfiguration.privateKeyFile = key
        let (_, server) = try await self.failedConnection(server: serverConfiguration, client: clientConfiguration)
        #expect(server.handshake == nil)
        let serverError = try #require(server.tlsErrors.first)
        #expect(serverError.code == .certificateVerificationFailed)
        #expect(serverError.message.contains("CN=mallory"), "names the certificate: \(serverError)")
    }

    @Test("A client offering other ALPN protocols gets no_application_protocol")
    func alpnMismatch() async throws {
        let pki = try TestPKI()
        var clientConfiguration = pki.clientConfiguration()
        clientConfiguration.alpnProtocols = ["h2", "http/1.1"]
        let (client, server) = try await self.failedConnection(
            server: pki.serverConfiguration(),
            client: clientConfiguration
        )
        #expect(client.handshake == nil)
        #expect(server.handshake == nil)
        let clientError = try #require(client.tlsErrors.first)
        #expect(clientError.code == .handshakeFailed)
        #expect(clientError.message.contains("no application protocol"), "\(clientError)")
        let serverError = try #require(server.tlsErrors.first)
        #expect(serverError.code == .handshakeFailed)
    }

    @Test(
        "A plaintext client on the TLS port is refused",
        arguments: ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", "PING\r\n"]
    )
    func plaintextClient(request: String) async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let client = try await TLSTestClient.connectPlain(port: server.port)
        try await client.channel.writeAndFlush(ByteBuffer(string: request))
        _ = try await client.log.wait(for: "server closes the plaintext client") { $0.inactive }
        let snapshot = try await server.connection().wait(for: "server side closed") { $0.inactive }
        #expect(snapshot.handshake == nil)
        let error = try #require(snapshot.tlsErrors.first)
        #expect(error.code == .handshakeFailed)
        #expect(error.message.contains("http request") || error.message.contains("wrong version number"), "\(error)")
        try await server.close()
    }

    @Test("Random bytes from a peer fail the handshake without a crash or hang")
    func randomBytes() async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let client = try await TLSTestClient.connectPlain(port: server.port)
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = 0x99
        try await client.channel.writeAndFlush(ByteBuffer(bytes: bytes))
        _ = try await client.log.wait(for: "server closes the garbage client") { $0.inactive }
        let snapshot = try await server.connection().wait(for: "server side closed") { $0.inactive }
        let error = try #require(snapshot.tlsErrors.first)
        #expect(error.code == .handshakeFailed)
        try await server.close()
    }

    @Test("A peer that goes silent mid-handshake is cut off by the handshake timeout")
    func silentPeer() async throws {
        let pki = try TestPKI()
        var configuration = pki.serverConfiguration()
        configuration.handshakeTimeout = .milliseconds(800)
        let server = try await TLSTestServer(context: DealTLSContext(configuration: configuration))
        let client = try await TLSTestClient.connectPlain(port: server.port)
        // Half a ClientHello record header, then nothing. On a loaded machine the timeout may already have closed
        // the connection before this write: that is the behaviour under test too, so a failed write is fine.
        try? await client.channel.writeAndFlush(ByteBuffer(bytes: [0x16, 0x03]))
        _ = try await client.log.wait(for: "server drops the silent client", timeout: .seconds(20)) { $0.inactive }
        let snapshot = try await server.connection().wait(for: "server side closed") { $0.inactive }
        let error = try #require(snapshot.tlsErrors.first)
        #expect(error.code == .handshakeTimeout)
        #expect(error.message.contains("800 ms"), "\(error.message)")
        try await server.close()
    }
}
