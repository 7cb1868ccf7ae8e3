public import Foundation

extension DealClientConfiguration {
    /// The configuration `deals` would use: each setting from the first of `explicit`, the `DEALS_*` environment
    /// variables, the profile file, and (for a loopback address only) the local `dealsd` data directory.
    ///
    /// With no settings at all this reaches a `dealsd` started on this machine with no configuration: address
    /// `127.0.0.1:7443`, its `ca.pem` and `admin.token`. `profile` names a profile in the profile file (see
    /// ``DealProfileFile``); `nil` uses the file's current one. Tokens are trimmed of surrounding whitespace.
    /// Throws ``DealClientConfigurationError`` naming the setting and where it came from.
    ///
    /// ```swift
    /// let configuration = try DealClientConfiguration.resolve()
    /// let staging = try DealClientConfiguration.resolve(profile: "staging")
    /// let explicit = try DealClientConfiguration.resolve(
    ///     DealConnectionSettings(address: "deals.example.com:7443", tokenFile: "/run/secrets/deals.token")
    /// )
    /// ```
    public static func resolve(
        _ explicit: DealConnectionSettings = DealConnectionSettings(),
        profile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(DealClientConfigurationError) -> DealClientConfiguration {
        try DealConnectionResolver(environment: environment)
            .resolve(explicit: explicit, profileName: profile)
            .clientConfiguration
    }
}
