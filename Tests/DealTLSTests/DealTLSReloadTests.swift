import DealTLS
import Foundation
import NIOCore
import Testing

@Suite("Reloading the server certificate")
struct DealTLSReloadTests {
    @Test("An open connection survives a reload and a new connection sees the new certificate")
    func reload() async throws {
        let pki = try TestPKI()
        let serverContext = try DealTLSContext(configuration: pki.serverConfiguration())
        let server = try await TLSTestServer(context: serverContext)
        let clientContext = try DealTLSContext(configuration: pki.clientConfiguration())

        let before = try await TLSTestClient.connect(port: server.port, context: clientContext)
        let oldFingerprint = try #require(try await before.handshake().peerIdentity?.sha256Fingerprint)
        #expect(oldFingerprint == serverContext.certificateFingerprint)

        // New key and certificate written over the configured files, then reloaded.
        try DealDevelopmentCA.issueCertificate(
            caCertificateFile: pki.caFile,
            caPrivateKeyFile: pki.files.caPrivateKeyFile,
            commonName: "localhost",
            dnsNames: ["localhost"],
            purpose: .server,
            certificateFile: pki.files.serverCertificateFile,
            privateKeyFile: pki.files.serverPrivateKeyFile
        )
        try serverContext.reload()
        let reloadedFingerprint = try #require(serverContext.certificateFingerprint)
        #expect(reloadedFingerprint != oldFingerprint)

        let after = try await TLSTestClient.connect(port: server.port, context: clientContext)
        let newFingerprint = try await after.handshake().peerIdentity?.sha256Fingerprint
        #expect(newFingerprint == reloadedFingerprint)

        // The old connection still works, with the old session.
        let payload = testPayload(count: 100_000)
        try await before.channel.writeAndFlush(ByteBuffer(bytes: payload))
        let snapshot = try await before.log.wait(for: "echo on the old connection") {
            $0.receivedCount >= payload.count || $0.inactive
        }
        #expect(!snapshot.inactive)
        #expect(before.log.received == payload)
        #expect(snapshot.errors.isEmpty)

        try await before.channel.close()
        try await after.channel.close()
        try await server.close()
    }

    @Test("A failed reload keeps the previous certificate and names the broken file")
    func failedReload() async throws {
        let pki = try TestPKI()
        let serverContext = try DealTLSContext(configuration: pki.serverConfiguration())
        let fingerprint = serverContext.certificateFingerprint
        try "not a certificate".write(toFile: pki.files.serverCertificateFile, atomically: true, encoding: .utf8)
        let error = try #require(throws: DealTLSError.self) { try serverContext.reload() }
        #expect(error.code == .invalidCertificate)
        #expect(error.message.contains(pki.files.serverCertificateFile))
        #expect(serverContext.certificateFingerprint == fingerprint)
    }
}
