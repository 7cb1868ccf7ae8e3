import DealTLS

/// Who is on the other end of a connection.
struct DealServerPeer: Sendable {
    /// The remote socket address, for logs.
    var address: String
    /// The identity from the client's verified certificate, when it presented one.
    var identity: DealTLSPeerIdentity?
}

extension DealTLSPeerIdentity {
    /// Every name a role mapping may match: `cn:NAME`, `dns:NAME`, `uri:NAME` and `sha256:HEX`.
    var matchKeys: [String] {
        var keys = self.commonName.map { ["cn:\($0)"] } ?? []
        keys += self.dnsNames.map { "dns:\($0)" }
        keys += self.uriNames.map { "uri:\($0)" }
        keys.append("sha256:\(self.sha256Fingerprint)")
        return keys
    }
}
