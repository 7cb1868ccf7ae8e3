/// The identity in a peer certificate that passed verification.
///
/// Only produced for certificates OpenSSL verified against the configured trust roots, so a server may use it for
/// authorization decisions (for example matching ``uriNames`` or ``sha256Fingerprint``).
public struct DealTLSPeerIdentity: Sendable, Hashable {
    /// The subject's common name (CN), if the certificate has one.
    public var commonName: String?
    /// DNS names from the subjectAltName extension, in certificate order.
    public var dnsNames: [String]
    /// URI names from the subjectAltName extension, in certificate order.
    public var uriNames: [String]
    /// IP addresses from the subjectAltName extension, in their usual text form.
    public var ipAddresses: [String]
    /// SHA-256 of the DER-encoded leaf certificate, as lowercase hex without separators.
    public var sha256Fingerprint: String

    /// Creates an identity; DealTLS builds these from verified certificates.
    public init(
        commonName: String?,
        dnsNames: [String],
        uriNames: [String],
        ipAddresses: [String] = [],
        sha256Fingerprint: String
    ) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.uriNames = uriNames
        self.ipAddresses = ipAddresses
        self.sha256Fingerprint = sha256Fingerprint
    }
}
