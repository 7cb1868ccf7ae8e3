import DealTLS
import DealTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Configuration and context creation")
struct DealTLSConfigurationTests {
    @Test("Defaults are the safe ones")
    func defaults() {
        let server = DealTLSConfiguration.server(certificateChainFile: "a.pem", privateKeyFile: "b.pem")
        #expect(server.minimumVersion == .tls13)
        #expect(server.alpnProtocols == ["dealstore/1"])
        #expect(server.clientCertificatePolicy == .none)
        #expect(server.handshakeTimeout == .seconds(10))
        let client = DealTLSConfiguration.client(trustRootsFile: nil)
        #expect(client.serverHostname == nil)
        #expect(client.trustRootsFile == nil)
    }

    @Test("A missing file is named in the error")
    func missingFile() throws {
        let pki = try TestPKI()
        let missing = pki.directory.file("nope.pem")
        let configuration = DealTLSConfiguration.server(
            certificateChainFile: missing,
            privateKeyFile: pki.files.serverPrivateKeyFile
        )
        let error = try #require(throws: DealTLSError.self) { try DealTLSContext(configuration: configuration) }
        #expect(error.code == .fileUnreadable)
        #expect(error.message.contains(missing))
        #expect(error.message.contains("certificate chain file"))
    }

    @Test("A key that does not match the certificate is reported with both files and the certificate")
    func mismatchedKey() throws {
        let pki = try TestPKI()
        let configuration = DealTLSConfiguration.server(
            certificateChainFile: pki.files.serverCertificateFile,
            privateKeyFile: pki.files.caPrivateKeyFile
        )
        let error = try #require(throws: DealTLSError.self) { try DealTLSContext(configuration: configuration) }
        #expect(error.code == .invalidPrivateKey)
        #expect(error.message.contains(pki.files.caPrivateKeyFile))
        #expect(error.message.contains(pki.files.serverCertificateFile))
        #expect(error.message.contains("CN=localhost"))
    }

    @Test("A garbage trust roots file is reported")
    func garbageTrustRoots() throws {
        let pki = try TestPKI()
        let path = pki.directory.file("garbage.pem")
        try "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let error = try #require(throws: DealTLSError.self) {
            try DealTLSContext(configuration: .client(trustRootsFile: path))
        }
        #expect(error.code == .invalidTrustRoots)
        #expect(error.message.contains(path))
    }

    @Test("Inconsistent settings are rejected up front")
    func invalidSettings() throws {
        let pki = try TestPKI()
        var noALPN = pki.serverConfiguration()
        noALPN.alpnProtocols = []
        var requiredWithoutRoots = pki.serverConfiguration()
        requiredWithoutRoots.clientCertificatePolicy = .required
        var zeroTimeout = pki.clientConfiguration()
        zeroTimeout.handshakeTimeout = .zero
        var keyWithoutCertificate = pki.clientConfiguration()
        keyWithoutCertificate.privateKeyFile = pki.files.serverPrivateKeyFile
        for configuration in [noALPN, requiredWithoutRoots, zeroTimeout, keyWithoutCertificate] {
            let error = try #require(throws: DealTLSError.self) { try DealTLSContext(configuration: configuration) }
            #expect(error.code == .invalidConfiguration)
        }
    }

    @Test("The client can use the system trust store")
    func systemTrustStore() throws {
        _ = try DealTLSContext(configuration: .client(trustRootsFile: nil))
    }

    @Test("The runtime OpenSSL version is available")
    func version() {
        #expect(DealTLSLibrary.versionString.hasPrefix("OpenSSL 3."))
    }

    @Test("Errors print their code and message")
    func errorDescription() {
        let error = DealTLSError(code: .handshakeTimeout, message: "too slow")
        #expect("\(error)" == "handshakeTimeout: too slow")
        #expect(error.code != .handshakeFailed)
    }
}
