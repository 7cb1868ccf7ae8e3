/// What a completed handshake negotiated, delivered in ``DealTLSEvent/handshakeCompleted(_:)``.
public struct DealTLSHandshakeInfo: Sendable, Hashable {
    /// The negotiated ALPN protocol (`dealstore/1`), or `nil` if none was negotiated.
    public var alpnProtocol: String?
    /// The protocol version as OpenSSL names it, e.g. `TLSv1.3`.
    public var protocolVersion: String
    /// The cipher suite as OpenSSL names it, e.g. `TLS_AES_128_GCM_SHA256`.
    public var cipher: String
    /// The peer's verified certificate identity; `nil` when the peer sent no certificate (a client under
    /// ``DealTLSClientCertificatePolicy/none`` or `.optional`).
    public var peerIdentity: DealTLSPeerIdentity?

    /// Creates handshake information; DealTLS builds these when a handshake completes.
    public init(
        alpnProtocol: String?,
        protocolVersion: String,
        cipher: String,
        peerIdentity: DealTLSPeerIdentity?
    ) {
        self.alpnProtocol = alpnProtocol
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        self.peerIdentity = peerIdentity
    }
}
