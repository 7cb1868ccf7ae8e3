import DealTLS
import DealTestSupport

/// Certificates generated at test time: a development CA with server certificate, plus optional extras.
struct TestPKI: Sendable {
    let directory: DealTemporaryDirectory
    let files: DealDevelopmentCA.Files

    init() throws {
        self.directory = try DealTemporaryDirectory(prefix: "dealtls")
        self.files = try DealDevelopmentCA.create(in: self.directory.path)
    }

    var caFile: String { self.files.caCertificateFile }

    func serverConfiguration() -> DealTLSConfiguration {
        DealTLSConfiguration.server(
            certificateChainFile: self.files.serverCertificateFile,
            privateKeyFile: self.files.serverPrivateKeyFile
        )
    }

    func clientConfiguration(hostname: String? = "localhost") -> DealTLSConfiguration {
        var configuration = DealTLSConfiguration.client(trustRootsFile: self.caFile)
        configuration.serverHostname = hostname
        return configuration
    }

    /// Issues a client certificate and returns (certificate, key) paths.
    func issueClient(commonName: String, uriNames: [String] = []) throws -> (String, String) {
        let certificate = self.directory.file("client-\(commonName).pem")
        let key = self.directory.file("client-\(commonName)-key.pem")
        try DealDevelopmentCA.issueClientCertificate(
            caCertificateFile: self.caFile,
            caPrivateKeyFile: self.files.caPrivateKeyFile,
            commonName: commonName,
            uriNames: uriNames,
            certificateFile: certificate,
            privateKeyFile: key
        )
        return (certificate, key)
    }

    /// Issues a server certificate for localhost with the given validity and returns (certificate, key) paths.
    func issueServer(name: String, validity: DealDevelopmentCA.Validity) throws -> (String, String) {
        let certificate = self.directory.file("\(name).pem")
        let key = self.directory.file("\(name)-key.pem")
        try DealDevelopmentCA.issueCertificate(
            caCertificateFile: self.caFile,
            caPrivateKeyFile: self.files.caPrivateKeyFile,
            commonName: "localhost",
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1", "::1"],
            purpose: .server,
            validity: validity,
            certificateFile: certificate,
            privateKeyFile: key
        )
        return (certificate, key)
    }
}
