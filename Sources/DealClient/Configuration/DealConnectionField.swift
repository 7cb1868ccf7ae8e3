/// One connection setting, as the resolution rule names it in every layer (PROTOCOL.md, client configuration).
public enum DealConnectionField: String, Sendable, CaseIterable {
    /// `host:port`, `host` or `[v6]:port`.
    case address
    /// An inline bearer token.
    case token
    /// A file holding the bearer token.
    case tokenFile
    /// The PEM file of the CA to trust.
    case caFile
    /// The PEM client certificate chain for mutual TLS.
    case certificateFile
    /// The PEM key of the client certificate.
    case keyFile

    /// The environment variable of the field: `DEALS_ADDR`, `DEALS_TOKEN`, `DEALS_TOKEN_FILE`, `DEALS_CA`,
    /// `DEALS_CERT`, `DEALS_KEY`.
    public var environmentVariable: String {
        switch self {
        case .address: "DEALS_ADDR"
        case .token: "DEALS_TOKEN"
        case .tokenFile: "DEALS_TOKEN_FILE"
        case .caFile: "DEALS_CA"
        case .certificateFile: "DEALS_CERT"
        case .keyFile: "DEALS_KEY"
        }
    }

    /// How a library caller's explicit value is named in messages: `DealConnectionSettings.caFile`.
    public var settingName: String {
        "DealConnectionSettings." + self.rawValue
    }
}
