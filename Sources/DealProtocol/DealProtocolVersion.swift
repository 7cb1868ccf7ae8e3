/// Versions and fixed names of the DealStore wire protocol.
public enum DealProtocolVersion {
    /// The protocol version this implementation speaks; HELLO negotiates it.
    public static let current: UInt32 = 1
    /// The ALPN protocol id both peers must negotiate in the TLS handshake.
    public static let alpnIdentifier = "dealstore/1"
    /// The metadata key that carries credentials: `authorization: Bearer <token>`.
    public static let authorizationMetadataKey = "authorization"
    /// The metadata key a client may set to correlate logs; the server echoes it in TRAILERS.
    public static let requestIDMetadataKey = "request-id"
}
