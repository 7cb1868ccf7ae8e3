import DealProtocol

/// The limits one connection runs under; announced to the client in the server's HELLO where the protocol says so.
public struct DealConnectionLimits: Sendable, Hashable {
    /// The largest frame payload the server accepts (and announces).
    public var maximumFrameSize: Int = DealFrame.defaultMaximumPayloadSize
    /// Streams a client may have open at once; one more is refused with RESOURCE_EXHAUSTED.
    public var maximumConcurrentStreams: Int = 100
    /// The per-stream window of MESSAGE bytes the client may send before the server grants more.
    public var initialWindowSize: Int = DealFrame.defaultMaximumPayloadSize
    /// Clients must not ping more often than this.
    public var minimumPingInterval: Duration = .seconds(10)
    /// PINGs allowed under the interval before the connection is closed for abuse.
    public var maximumPingStrikes: Int = 2
    /// A connection with no open stream for this long is closed with GOAWAY; `nil` never.
    public var idleTimeout: Duration? = .seconds(300)
    /// Bytes queued for a client that does not read; past it the connection is closed.
    ///
    /// Streaming calls pause once half of it (at most 1 MiB) waits and resume as the client reads, so only answers
    /// that do not pause (unary ones, control frames) can reach it.
    public var maximumOutputBuffer: Int = 16 << 20
    /// How long in-flight calls may take to finish after a graceful GOAWAY.
    public var drainGracePeriod: Duration = .seconds(10)
    /// How long a connection may go after its TLS handshake without sending HELLO; then GOAWAY and close.
    public var helloTimeout: Duration = .seconds(5)
    /// How long a call's request may go without a MESSAGE before it ends (END_STREAM); past it the call ends with
    /// RESOURCE_EXHAUSTED. `nil` never (the call's own deadline still applies).
    public var requestBodyTimeout: Duration? = .seconds(10)
    /// Request bytes one connection may hold for calls whose request has not ended; a MESSAGE past it ends its
    /// call with RESOURCE_EXHAUSTED.
    public var maximumRequestBytes: Int = 16 << 20
    /// Streams one connection may have open whose request has not ended; one more is refused with
    /// RESOURCE_EXHAUSTED.
    public var maximumIncompleteStreams: Int = 32
    /// Request bytes all connections together may hold (held messages and partial frames in decoders).
    public var maximumServerRequestBytes: Int = 256 << 20
    /// Output bytes all connections together may have waiting for clients; past it a connection whose client is
    /// not reading is closed.
    public var maximumServerOutputBytes: Int = 1 << 30
    /// Streams all connections together may have open whose request has not ended.
    public var maximumServerIncompleteStreams: Int = 4096

    /// Field occurrences one request message may decode into, counted in sub-messages too before it is decoded;
    /// past it the call ends with RESOURCE_EXHAUSTED. Decoding multiplies: an empty sub-message is two bytes on
    /// the wire and a hundred or more in memory.
    public var maximumRequestFields: Int = 100_000
    /// Largest HEADERS payload (method, timeout and metadata) a call may open with; past it the call is refused
    /// with RESOURCE_EXHAUSTED before anything in it is decoded.
    public var maximumHeadersBytes: Int = 16 << 10

    /// The default limits.
    public init() {}
}
