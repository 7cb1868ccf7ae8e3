import ArgumentParser

/// The connection flags every command that talks to `dealsd` accepts.
public struct DealConnectionOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("addr"),
        help: ArgumentHelp("Server address host:port (env DEALS_ADDR).", valueName: "host:port")
    )
    var address: String?

    @Option(help: ArgumentHelp("Bearer token (env DEALS_TOKEN).", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("PEM file of the CA to trust (env DEALS_CA).", valueName: "file"))
    var ca: String?

    @Option(help: ArgumentHelp("PEM client certificate for mutual TLS (env DEALS_CERT).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("PEM key of --cert (env DEALS_KEY).", valueName: "file"))
    var key: String?

    @Option(help: ArgumentHelp("Profile from ~/.config/deals/profile.json (see `deals --help`).", valueName: "name"))
    var profile: String?

    /// Creates empty options (every field from the environment, profile or defaults).
    public init() {}

    /// The flag layer of the connection settings.
    public var settings: DealConnectionSettings {
        DealConnectionSettings(
            address: self.address,
            token: self.token,
            caFile: self.ca,
            certificateFile: self.cert,
            keyFile: self.key
        )
    }
}
