public import ArgumentParser
public import DealClient

/// The connection flags every command that talks to `dealsd` accepts.
public struct DealConnectionOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("addr"),
        help: ArgumentHelp("Server address host:port (env DEALS_ADDR).", valueName: "host:port")
    )
    var address: String?

    @Option(help: ArgumentHelp("Bearer token (env DEALS_TOKEN).", valueName: "token"))
    var token: String?

    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp("File holding the bearer token (env DEALS_TOKEN_FILE).", valueName: "file")
    )
    var tokenFile: String?

    @Option(help: ArgumentHelp("PEM file of the CA to trust (env DEALS_CA).", valueName: "file"))
    var ca: String?

    @Option(help: ArgumentHelp("PEM client certificate for mutual TLS (env DEALS_CERT).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("PEM key of --cert (env DEALS_KEY).", valueName: "file"))
    var key: String?

    @Option(help: ArgumentHelp("Profile from ~/.config/deals/profile.json (see `deals --help`).", valueName: "name"))
    var profile: String?

    @Option(
        name: .customLong("min-revision"),
        help: ArgumentHelp(
            "Answer only from a server at this store revision or later (waits for it, then fails UNAVAILABLE).",
            valueName: "revision"
        )
    )
    var minimumRevision: UInt64?

    /// Creates empty options (every field from the environment, profile or defaults).
    public init() {}

    /// The flag layer of the connection settings (DealConnectionResolver's explicit layer).
    public var settings: DealConnectionSettings {
        DealConnectionSettings(
            address: self.address,
            token: self.token,
            tokenFile: self.tokenFile,
            caFile: self.ca,
            certificateFile: self.cert,
            keyFile: self.key
        )
    }
}

extension DealConnectionField {
    /// The `deals` flag that sets the field, as messages name it: `--addr`, `--token`, `--token-file`, `--ca`,
    /// `--cert`, `--key`.
    public var flag: String {
        switch self {
        case .address: "--addr"
        case .token: "--token"
        case .tokenFile: "--token-file"
        case .caFile: "--ca"
        case .certificateFile: "--cert"
        case .keyFile: "--key"
        }
    }
}
