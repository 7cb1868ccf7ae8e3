import DealStore
import Foundation
import Logging

/// What `dealsd`'s subcommands do, so the executable is argument parsing over these calls and knows neither the
/// data directory's layout nor the store.
extension DealDaemon {
    /// The store's directory inside the data directory that `configuration` and `environment` name.
    public static func storeDirectory(configuration: DealDaemonConfiguration, environment: [String: String]) -> String {
        Self.dataDirectory(configuration: configuration, environment: environment) + "/store"
    }

    /// `dealsd check`: examines the store without changing it; its report, and whether the store is healthy.
    public static func checkStore(
        configuration: DealDaemonConfiguration,
        environment: [String: String]
    ) throws -> (report: String, isHealthy: Bool) {
        let report = try DealStore.check(
            directory: Self.storeDirectory(configuration: configuration, environment: environment)
        )
        return (report.description, report.isHealthy)
    }

    /// `dealsd repair`: cuts the log at its first damage (keeping a backup); the report of what it found.
    public static func repairStore(
        configuration: DealDaemonConfiguration,
        environment: [String: String]
    ) throws
        -> String
    {
        try DealStore.repair(
            directory: Self.storeDirectory(configuration: configuration, environment: environment)
        ).description
    }

    /// `dealsd token create`: a new token granting `role`, its hash appended to the tokens file (created with the
    /// data directory on first use); the token itself, to be shown once.
    public static func createToken(
        role: DealRole,
        name: String,
        configuration: DealDaemonConfiguration,
        environment: [String: String]
    ) throws -> String {
        let (layout, _) = try Self.prepare(configuration: configuration, environment: environment)
        let token = DealTokensFile.generateToken()
        try DealTokensFile.append(token: token, role: role, name: name, to: layout.tokensFile)
        return token
    }

    /// ``run(configuration:environment:version:logger:announce:)`` with the process's `dealsd` logger.
    public static func run(
        configuration: DealDaemonConfiguration,
        environment: [String: String],
        version: String,
        announce: @Sendable (String) -> Void
    ) async throws {
        try await Self.run(
            configuration: configuration,
            environment: environment,
            version: version,
            logger: Logger(label: "dealsd"),
            announce: announce
        )
    }
}
