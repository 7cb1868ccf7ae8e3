/// Who is on the other end of a connection.
struct DealServerPeer: Sendable {
    /// The remote socket address, for logs.
    var address: String
    /// The identity from the client's verified certificate, when it presented one.
    var identity: DealClientCertificateIdentity?
}

/// The names a verified client certificate carries, for mapping to a role.
public struct DealClientCertificateIdentity: Sendable, Hashable {
    /// The subject's common name.
    public var commonName: String?
    /// DNS subject alternative names.
    public var dnsNames: [String]
    /// URI subject alternative names (e.g. SPIFFE ids).
    public var uris: [String]
    /// SHA-256 of the certificate, lower-case hex.
    public var sha256Fingerprint: String

    /// Creates an identity.
    public init(commonName: String?, dnsNames: [String], uris: [String], sha256Fingerprint: String) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.uris = uris
        self.sha256Fingerprint = sha256Fingerprint
    }

    /// Every name the mapping may match: `cn:NAME`, `dns:NAME`, `uri:NAME` and `sha256:HEX`.
    public var matchKeys: [String] {
        var keys = self.commonName.map { ["cn:\($0)"] } ?? []
        keys += self.dnsNames.map { "dns:\($0)" }
        keys += self.uris.map { "uri:\($0)" }
        keys.append("sha256:\(self.sha256Fingerprint)")
        return keys
    }
}
