/// Where a client connects, with which credentials, and where each came from (for error messages); made by
/// ``DealConnectionResolver``.
public struct DealResolvedConnection: Sendable, Equatable {
    /// The server host.
    public var host: String
    /// The server port.
    public var port: Int
    /// Where the address came from: an explicit value, `DEALS_ADDR`, a profile, or the default.
    public var addressSource: String = "the default"
    /// The bearer token, if any.
    public var token: String?
    /// Where the token came from.
    public var tokenSource: String?
    /// Every place looked for a token, in order (for "no token" errors).
    public var tokenSearch: [String] = []
    /// The CA file to trust; `nil` trusts the system store.
    public var caFile: String?
    /// Where the CA file setting came from.
    public var caSource: String?
    /// Every place looked for a CA file when none was set (for TLS errors).
    public var caSearch: [String] = []
    /// Client certificate chain for mutual TLS.
    public var certificateFile: String?
    /// Where the certificate setting came from.
    public var certificateSource: String?
    /// Client private key.
    public var keyFile: String?

    /// Creates a connection to `host:port` with no credentials.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around IPv6 literals.
    public var address: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    /// True for `localhost`, `127.x.x.x` and `::1`: the only addresses local defaults apply to.
    public var isLoopback: Bool {
        self.host == "localhost" || self.host.hasPrefix("127.") || self.host == "::1"
    }

    /// The client configuration for these settings.
    public var clientConfiguration: DealClientConfiguration {
        var configuration = DealClientConfiguration(host: self.host, port: self.port)
        configuration.trustRootsFile = self.caFile
        configuration.certificateChainFile = self.certificateFile
        configuration.privateKeyFile = self.keyFile
        configuration.token = self.token
        return configuration
    }
}
