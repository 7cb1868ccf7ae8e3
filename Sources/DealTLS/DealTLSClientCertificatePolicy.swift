/// Whether a server asks connecting clients for a certificate (mutual TLS).
public enum DealTLSClientCertificatePolicy: Sendable, Hashable {
    /// The server does not ask for a client certificate.
    case none
    /// The server asks; a client without a certificate is accepted, a client with an unverifiable one is rejected.
    case optional
    /// The server asks and rejects the handshake when the client sends no certificate or an unverifiable one.
    case required
}
