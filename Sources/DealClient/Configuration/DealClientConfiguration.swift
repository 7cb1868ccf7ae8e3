import DealProtocol
import NIOCore

/// Where a ``DealClient`` connects and how it proves who it is.
public struct DealClientConfiguration: Sendable {
    /// The server's host name or IP literal; also the name its certificate must carry.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// A PEM file of CA certificates to trust; `nil` trusts the system's store.
    public var trustRootsFile: String?
    /// A PEM certificate chain for mutual TLS, with ``privateKeyFile``.
    public var certificateChainFile: String?
    /// The PEM private key of ``certificateChainFile``.
    public var privateKeyFile: String?
    /// The bearer token sent as `authorization: Bearer <token>` on every call, trimmed of surrounding whitespace;
    /// `nil` sends none (unless ``tokenFile`` names one).
    public var token: String?
    /// A file holding the bearer token (such as `dealsd`'s `admin.token`), read and trimmed when the client is
    /// created; used when ``token`` is `nil`. An unreadable file fails creating the client with INVALID_ARGUMENT.
    public var tokenFile: String?
    /// How long connecting, TLS and HELLO may take before a call fails with UNAVAILABLE.
    public var connectTimeout: Duration
    /// The timeout applied to unary and client-streaming calls that set none; `nil` means calls wait as long as
    /// the server lets them. Server-streaming calls (watches, exports) are never cut by it: give them a timeout in
    /// their ``DealCallOptions`` if they should end.
    public var defaultCallTimeout: Duration?
    /// Reconnection backoff after a dropped connection: first delay, growing ×1.6 with jitter up to the maximum.
    public var reconnectInitialBackoff: Duration
    /// The largest delay between reconnection attempts.
    public var reconnectMaximumBackoff: Duration
    /// How long a call waits for a connection (across reconnection attempts) before failing with UNAVAILABLE,
    /// once the client has been connected: long enough to ride over a daemon restart.
    public var waitForConnectionTimeout: Duration
    /// How long a call waits for the client's first connection: short, so a tool pointed at a port where nothing
    /// listens fails in about a second with UNAVAILABLE naming the address instead of retrying for
    /// ``waitForConnectionTimeout``.
    public var firstConnectionTimeout: Duration
    /// Sent in HELLO as the client's agent string.
    public var agent: String

    /// Creates a configuration for `host:port` with safe defaults.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
        self.trustRootsFile = nil
        self.certificateChainFile = nil
        self.privateKeyFile = nil
        self.token = nil
        self.tokenFile = nil
        self.connectTimeout = .seconds(10)
        self.defaultCallTimeout = nil
        self.reconnectInitialBackoff = .milliseconds(100)
        self.reconnectMaximumBackoff = .seconds(5)
        self.waitForConnectionTimeout = .seconds(15)
        self.firstConnectionTimeout = .seconds(1)
        self.agent = "DealClient/\(DealProtocolVersion.current)"
    }
}

/// Per-call settings.
public struct DealCallOptions: Sendable {
    /// The call's deadline relative to its start; overrides the client's default.
    public var timeout: Duration?
    /// Extra metadata sent in HEADERS (the client adds `authorization` itself).
    public var metadata: [DealMetadataEntry]

    /// Creates options.
    public init(timeout: Duration? = nil, metadata: [DealMetadataEntry] = []) {
        self.timeout = timeout
        self.metadata = metadata
    }
}
