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
    /// In the OUT_OF_RANGE TRAILERS of a watch that fell behind: the revision up to which it delivered every change.
    public static let resumeRevisionMetadataKey = "resume-revision"
    /// In a watch's OUT_OF_RANGE TRAILERS: the oldest `from_revision` the server accepts now.
    public static let oldestRevisionMetadataKey = "oldest-revision"
    /// In the TRAILERS of every answer: the store revision the answer was served at, in decimal (PROTOCOL.md
    /// "Consistency").
    public static let revisionMetadataKey = "revision"
    /// In a call's HEADERS: the lowest store revision the answer may be served at, in decimal; a server that has
    /// not published it waits, up to the call's deadline, then answers UNAVAILABLE.
    public static let minimumRevisionMetadataKey = "min-revision"
}
