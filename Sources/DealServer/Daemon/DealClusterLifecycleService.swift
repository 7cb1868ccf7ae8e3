import DealCluster
import DealStore
import Logging
import ServiceLifecycle

/// Keeps a cluster node running while the daemon runs; on shutdown (after the server has drained) stops following
/// PostgreSQL and closes the store. There is nothing to snapshot: PostgreSQL holds every write.
struct DealClusterLifecycleService: Service {
    let node: DealClusterNode
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        try await self.node.close()
        self.logger.notice("cluster node closed", metadata: ["revision": "\(self.node.store.revision)"])
    }
}
