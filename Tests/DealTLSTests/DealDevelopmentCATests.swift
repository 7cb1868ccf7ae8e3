import DealTLS
import DealTestSupport
import Foundation
import Testing

@Suite("DealDevelopmentCA")
struct DealDevelopmentCATests {
    @Test("Creates the four files, with private keys readable by the owner only")
    func files() throws {
        let directory = try DealTemporaryDirectory(prefix: "dealtls")
        let target = directory.file("ca")
        let files = try DealDevelopmentCA.create(in: target)
        #expect(files.caCertificateFile == target + "/ca.pem")
        #expect(files.serverPrivateKeyFile == target + "/server-key.pem")
        for key in [files.caPrivateKeyFile, files.serverPrivateKeyFile] {
            let attributes = try FileManager.default.attributesOfItem(atPath: key)
            let permissions = try #require(attributes[.posixPermissions] as? Int)
            #expect(permissions == 0o600, "\(key) has mode \(String(permissions, radix: 8))")
        }
        for certificate in [files.caCertificateFile, files.serverCertificateFile] {
            let text = try String(contentsOfFile: certificate, encoding: .utf8)
            #expect(text.hasPrefix("-----BEGIN CERTIFICATE-----"))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: target).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("The server certificate carries the expected extensions", arguments: ["server.pem", "ca.pem"])
    func extensions(file: String) async throws {
        let directory = try DealTemporaryDirectory(prefix: "dealtls")
        let files = try DealDevelopmentCA.create(in: directory.path)
        let result = try await DealExternalProcess.run(
            ["openssl", "x509", "-noout", "-text", "-in", directory.file(file)],
            directory: directory
        )
        #expect(result.status == 0)
        let text = result.output
        #expect(text.contains("Subject Key Identifier"))
        #expect(text.contains("Authority Key Identifier"))
        #expect(text.contains("ecdsa-with-SHA256"))
        if file == "ca.pem" {
            #expect(text.contains("CA:TRUE"))
            #expect(text.contains("Certificate Sign"))
        } else {
            #expect(text.contains("CA:FALSE"))
            #expect(text.contains("DNS:localhost"))
            #expect(text.contains("IP Address:127.0.0.1"))
            #expect(text.contains("IP Address:0:0:0:0:0:0:0:1"))
            #expect(text.contains("TLS Web Server Authentication"))
            let verify = try await DealExternalProcess.run(
                ["openssl", "verify", "-CAfile", files.caCertificateFile, files.serverCertificateFile],
                directory: directory
            )
            #expect(verify.status == 0, "\(verify.combined)")
        }
    }

    @Test("Issuing from a missing CA names the file")
    func missingCA() throws {
        let directory = try DealTemporaryDirectory(prefix: "dealtls")
        let error = try #require(throws: DealTLSError.self) {
            try DealDevelopmentCA.issueClientCertificate(
                caCertificateFile: directory.file("ca.pem"),
                caPrivateKeyFile: directory.file("ca-key.pem"),
                commonName: "x",
                certificateFile: directory.file("c.pem"),
                privateKeyFile: directory.file("c-key.pem")
            )
        }
        #expect(error.code == .certificateGenerationFailed)
        #expect(error.message.contains(directory.file("ca.pem")))
    }
}
