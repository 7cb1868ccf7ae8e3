/// A TLS protocol version DealTLS is willing to negotiate; nothing older than TLS 1.2 exists here by design.
public enum DealTLSProtocolVersion: Sendable, Hashable, Comparable {
    /// TLS 1.2; allow it only for peers that cannot speak TLS 1.3.
    case tls12
    /// TLS 1.3, the default minimum.
    case tls13
}
