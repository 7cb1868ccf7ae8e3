/// The connection settings one layer provides (explicit values, environment or a profile); `nil` means "not set
/// here", so the next layer decides.
public struct DealConnectionSettings: Sendable, Equatable {
    /// `host:port`, `host`, or `[v6]:port`.
    public var address: String?
    /// The bearer token; surrounding whitespace is ignored.
    public var token: String?
    /// A file holding the bearer token (such as `dealsd`'s `admin.token`); read when this layer sets no ``token``.
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

    /// The value of `field` in this layer.
    public subscript(field: DealConnectionField) -> String? {
        switch field {
        case .address: self.address
        case .token: self.token
        case .tokenFile: self.tokenFile
        case .caFile: self.caFile
        case .certificateFile: self.certificateFile
        case .keyFile: self.keyFile
        }
    }

    /// The settings in `DEALS_ADDR`, `DEALS_TOKEN`, `DEALS_TOKEN_FILE`, `DEALS_CA`, `DEALS_CERT` and `DEALS_KEY`;
    /// empty values are unset.
    public static func fromEnvironment(_ environment: [String: String]) -> DealConnectionSettings {
        func value(_ field: DealConnectionField) -> String? {
            guard let value = environment[field.environmentVariable], !value.isEmpty else { return nil }
            return value
        }
        return DealConnectionSettings(
            address: value(.address),
            token: value(.token),
            tokenFile: value(.tokenFile),
            caFile: value(.caFile),
            certificateFile: value(.certificateFile),
            keyFile: value(.keyFile)
        )
    }
}
