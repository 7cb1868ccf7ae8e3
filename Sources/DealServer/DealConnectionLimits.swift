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

    /// The default limits.
    public init() {}
}
