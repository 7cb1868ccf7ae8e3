/// A local certificate authority for development and tests: a CA plus certificates it signs.
///
/// ``create(in:caCommonName:serverHostnames:serverIPAddresses:validity:)`` writes `ca.pem`, `ca-key.pem`,
/// `server.pem` and `server-key.pem`; ``issueCertificate(caCertificateFile:caPrivateKeyFile:commonName:dnsNames:ipAddresses:uriNames:purpose:validity:certificateFile:privateKeyFile:)``
/// signs more (client certificates for mutual TLS, expired certificates for tests). Keys are ECDSA P-256,
/// signatures SHA-256. Key files are created with mode 0600 and every file is written to a temporary name and
/// renamed into place, so a reader never sees half a file. Never use these certificates in production.
public enum DealDevelopmentCA {
    /// The files ``create(in:caCommonName:serverHostnames:serverIPAddresses:validity:)`` wrote.
    public struct Files: Sendable, Hashable {
        /// The CA certificate (PEM); trust it on clients.
        public var caCertificateFile: String
        /// The CA private key (PEM, mode 0600); needed only to issue more certificates.
        public var caPrivateKeyFile: String
        /// The server certificate (PEM) signed by the CA.
        public var serverCertificateFile: String
        /// The server private key (PEM, mode 0600).
        public var serverPrivateKeyFile: String
    }

    /// What an issued certificate may be used for (its extendedKeyUsage).
    public enum Purpose: Sendable, Hashable {
        /// TLS server authentication.
        case server
        /// TLS client authentication (mutual TLS).
        case client
        /// Both.
        case serverAndClient
    }

    /// When a certificate is valid, relative to the moment it is issued.
    public struct Validity: Sendable, Hashable {
        /// Seconds from now to notBefore; negative is in the past.
        public var notBeforeOffsetSeconds: Int
        /// Seconds from now to notAfter; negative makes an already expired certificate.
        public var notAfterOffsetSeconds: Int

        /// Creates a validity window relative to now.
        public init(notBeforeOffsetSeconds: Int, notAfterOffsetSeconds: Int) {
            self.notBeforeOffsetSeconds = notBeforeOffsetSeconds
            self.notAfterOffsetSeconds = notAfterOffsetSeconds
        }

        /// Valid from an hour ago (tolerating clock skew) for `days` days.
        public static func days(_ days: Int) -> Validity {
            Validity(notBeforeOffsetSeconds: -3600, notAfterOffsetSeconds: days * 86_400)
        }

        /// Valid two days ago until yesterday: expired, for testing that expiry is enforced.
        public static let expired = Validity(notBeforeOffsetSeconds: -2 * 86_400, notAfterOffsetSeconds: -86_400)
    }

    /// Creates a CA and a server certificate for `localhost`, `127.0.0.1` and `::1` in `directory`.
    ///
    /// The directory is created (mode 0700) if missing; existing files of the same names are replaced.
    ///
    /// - Parameters:
    ///   - directory: Where to write `ca.pem`, `ca-key.pem`, `server.pem` and `server-key.pem`.
    ///   - caCommonName: The CA's subject CN.
    ///   - serverHostnames: DNS subjectAltNames of the server certificate; the first is also its CN.
    ///   - serverIPAddresses: IP subjectAltNames of the server certificate.
    ///   - validity: Validity of both certificates.
    /// - Returns: The paths written.
    /// - Throws: ``DealTLSError`` with ``DealTLSError/Code/certificateGenerationFailed`` naming the failing step.
    @discardableResult
    public static func create(
        in directory: String,
        caCommonName: String = "DealStore Development CA",
        serverHostnames: [String] = ["localhost"],
        serverIPAddresses: [String] = ["127.0.0.1", "::1"],
        validity: Validity = .days(825)
    ) throws(DealTLSError) -> Files {
        try DevelopmentCertificateWriter.createDirectory(directory)
        let files = Files(
            caCertificateFile: directory + "/ca.pem",
            caPrivateKeyFile: directory + "/ca-key.pem",
            serverCertificateFile: directory + "/server.pem",
            serverPrivateKeyFile: directory + "/server-key.pem"
        )
        let caKey = try DevelopmentCertificateWriter.generateKey()
        let caCertificate = try DevelopmentCertificateWriter.makeCertificate(
            commonName: caCommonName,
            publicKey: caKey,
            issuer: nil,
            isCA: true,
            purpose: nil,
            subjectAltNames: [],
            validity: validity
        )
        try DevelopmentCertificateWriter.write(certificate: caCertificate, to: files.caCertificateFile)
        try DevelopmentCertificateWriter.write(privateKey: caKey, to: files.caPrivateKeyFile)
        try self.issueCertificate(
            caCertificateFile: files.caCertificateFile,
            caPrivateKeyFile: files.caPrivateKeyFile,
            commonName: serverHostnames.first ?? "localhost",
            dnsNames: serverHostnames,
            ipAddresses: serverIPAddresses,
            purpose: .server,
            validity: validity,
            certificateFile: files.serverCertificateFile,
            privateKeyFile: files.serverPrivateKeyFile
        )
        return files
    }

    /// Issues a certificate signed by the CA in the given files, with a fresh P-256 key.
    ///
    /// - Parameters:
    ///   - caCertificateFile: The CA certificate (PEM).
    ///   - caPrivateKeyFile: The CA private key (PEM).
    ///   - commonName: Subject CN.
    ///   - dnsNames: DNS subjectAltNames.
    ///   - ipAddresses: IP subjectAltNames (IPv4 or IPv6 text).
    ///   - uriNames: URI subjectAltNames (for example a SPIFFE-style identity of a client).
    ///   - purpose: Server, client or both.
    ///   - validity: When the certificate is valid; ``Validity/expired`` makes an expired one.
    ///   - certificateFile: Where to write the certificate (PEM).
    ///   - privateKeyFile: Where to write the key (PEM, mode 0600).
    /// - Throws: ``DealTLSError`` naming the file or step that failed.
    public static func issueCertificate(
        caCertificateFile: String,
        caPrivateKeyFile: String,
        commonName: String,
        dnsNames: [String] = [],
        ipAddresses: [String] = [],
        uriNames: [String] = [],
        purpose: Purpose,
        validity: Validity = .days(825),
        certificateFile: String,
        privateKeyFile: String
    ) throws(DealTLSError) {
        let authority = try DevelopmentCertificateWriter.loadAuthority(
            certificateFile: caCertificateFile,
            privateKeyFile: caPrivateKeyFile
        )
        let key = try DevelopmentCertificateWriter.generateKey()
        let names =
            dnsNames.map { "DNS:" + $0 } + ipAddresses.map { "IP:" + $0 } + uriNames.map { "URI:" + $0 }
        let certificate = try DevelopmentCertificateWriter.makeCertificate(
            commonName: commonName,
            publicKey: key,
            issuer: authority,
            isCA: false,
            purpose: purpose,
            subjectAltNames: names,
            validity: validity
        )
        try DevelopmentCertificateWriter.write(certificate: certificate, to: certificateFile)
        try DevelopmentCertificateWriter.write(privateKey: key, to: privateKeyFile)
    }

    /// Issues a client certificate for mutual TLS, signed by the CA in the given files.
    ///
    /// - Parameters:
    ///   - caCertificateFile: The CA certificate (PEM).
    ///   - caPrivateKeyFile: The CA private key (PEM).
    ///   - commonName: Subject CN, which servers see as ``DealTLSPeerIdentity/commonName``.
    ///   - uriNames: URI subjectAltNames, which servers see as ``DealTLSPeerIdentity/uriNames``.
    ///   - validity: When the certificate is valid.
    ///   - certificateFile: Where to write the certificate (PEM).
    ///   - privateKeyFile: Where to write the key (PEM, mode 0600).
    public static func issueClientCertificate(
        caCertificateFile: String,
        caPrivateKeyFile: String,
        commonName: String,
        uriNames: [String] = [],
        validity: Validity = .days(825),
        certificateFile: String,
        privateKeyFile: String
    ) throws(DealTLSError) {
        try self.issueCertificate(
            caCertificateFile: caCertificateFile,
            caPrivateKeyFile: caPrivateKeyFile,
            commonName: commonName,
            uriNames: uriNames,
            purpose: .client,
            validity: validity,
            certificateFile: certificateFile,
            privateKeyFile: privateKeyFile
        )
    }
}
