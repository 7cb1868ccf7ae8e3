import DealCluster
import DealStore
import Logging

extension DealDaemon {
    /// Opens the store as a node of the cluster in PostgreSQL named by `postgres.conninfo`, keeping its local
    /// cache (for fast restarts) in `cacheDirectory`.
    static func openClusterNode(
        _ configuration: DealDaemonConfiguration,
        cacheDirectory: String,
        logger: Logger
    ) async throws(DealServerError) -> DealClusterNode {
        var options = try Self.storeOptions(configuration.store)
        options.seedIfEmpty = configuration.store.seedIfEmpty
        do {
            return try await DealClusterNode.open(
                conninfo: configuration.postgres.conninfo,
                cacheDirectory: cacheDirectory,
                options: options,
                logger: logger
            )
        } catch {
            throw DealServerError(
                code: .storeUnavailable,
                message: "\(error.message) (postgres.conninfo, DEALSD_POSTGRES or --postgres; the connection "
                    + "string itself is not shown, it may hold a password)",
                cause: error
            )
        }
    }
}
