import Foundation

/// The profile file: named connection settings, so `deals --profile prod list` (or a tool resolving its
/// configuration with a profile name) reaches another server.
///
/// Location: `$XDG_CONFIG_HOME/deals/profile.json`, else `$HOME/.config/deals/profile.json`. Format:
///
/// ```json
/// {
///   "current": "prod",
///   "profiles": {
///     "prod": { "addr": "deals.example.com:7443", "tokenFile": "~/.config/deals/prod.token",
///               "ca": "~/.config/deals/prod-ca.pem", "cert": "client.pem", "key": "client-key.pem" },
///     "local": { "addr": "127.0.0.1:7443" }
///   }
/// }
/// ```
///
/// Without a profile name (`--profile`), the profile named by `current` is used, else one named `default`, else
/// none. Every key of a profile is optional; `token` holds a token inline and `tokenFile` names a file holding one
/// (an inline token wins). `~/` expands to the home directory.
public struct DealProfileFile: Sendable, Decodable {
    /// One profile's settings.
    public struct Profile: Sendable, Decodable {
        /// `host:port`.
        public var addr: String?
        /// An inline bearer token.
        public var token: String?
        /// A file holding the bearer token.
        public var tokenFile: String?
        /// PEM CA file.
        public var ca: String?
        /// PEM client certificate chain.
        public var cert: String?
        /// PEM client key.
        public var key: String?
    }

    /// The profile used when no profile name is given.
    public var current: String?
    /// Profiles by name.
    public var profiles: [String: Profile]

    /// The profile file's path for `environment`, or `nil` when neither `XDG_CONFIG_HOME` nor `HOME` is set.
    public static func path(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            return config + "/deals/profile.json"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.config/deals/profile.json"
        }
        return nil
    }

    /// Reads and decodes the file at `path`; `nil` when it does not exist.
    public static func load(path: String) throws(DealClientConfigurationError) -> DealProfileFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(DealProfileFile.self, from: data)
        } catch {
            throw DealClientConfigurationError(
                code: .invalidProfile,
                message: "cannot read profile file \(path): \(error); its format is in PROTOCOL.md (client "
                    + "configuration) and `deals --help`",
                cause: "\(error)"
            )
        }
    }
}
