/// The connection settings one layer provides (flags, environment or a profile); `nil` means "not set here".
public struct DealConnectionSettings: Sendable, Equatable {
    /// `host:port`, `host`, or `[v6]:port`.
    public var address: String?
    /// The bearer token.
    public var token: String?
    /// A file holding the bearer token (profiles only); read when ``token`` is not set.
    public var tokenFile: String?
    /// PEM file of the CA to trust.
    public var caFile: String?
    /// PEM client certificate chain for mutual TLS.
    public var certificateFile: String?
    /// PEM private key of the client certificate.
    public var keyFile: String?

    /// Creates settings; unset fields do not override lower layers.
    public init(
        address: String? = nil,
        token: String? = nil,
        tokenFile: String? = nil,
        caFile: String? = nil,
        certificateFile: String? = nil,
        keyFile: String? = nil
    ) {
        self.address = address
        self.token = token
        self.tokenFile = tokenFile
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The settings in `DEALS_ADDR`, `DEALS_TOKEN`, `DEALS_CA`, `DEALS_CERT` and `DEALS_KEY`; empty values are unset.
    public static func fromEnvironment(_ environment: [String: String]) -> DealConnectionSettings {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        return DealConnectionSettings(
            address: value("DEALS_ADDR"),
            token: value("DEALS_TOKEN"),
            caFile: value("DEALS_CA"),
            certificateFile: value("DEALS_CERT"),
            keyFile: value("DEALS_KEY")
        )
    }
}
