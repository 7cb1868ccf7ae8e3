import DealStore
import Logging
import Metrics
import ServiceLifecycle
import UnixSignals

/// Keeps the store open while the daemon runs; on shutdown (after the server has drained) snapshots and closes it.
struct DealStoreLifecycleService: Service {
    let store: DealStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try await self.store.snapshot()
        } catch {
            self.logger.error(
                "snapshot at shutdown failed; the log still has every write",
                metadata: ["error": "\(error)"]
            )
        }
        try await self.store.close()
        self.logger.notice("store closed", metadata: ["revision": "\(self.store.revision)"])
    }
}

/// Reloads tokens, certificates and role mappings on SIGHUP, without touching established connections' TLS.
///
/// Each part is applied on its own (see ``DealServer/reload()``): a part that fails is logged at error level,
/// naming the part, and counted in `dealstore_reload_failures_total`, and the parts that loaded take effect.
struct DealReloadService: Service {
    let server: DealServer
    let logger: Logger

    func run() async throws {
        let failures = Counter(label: "dealstore_reload_failures_total")
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try self.server.reload()
            } catch {
                failures.increment()
                let message = (error as? DealServerError)?.message ?? "\(error)"
                self.logger.error("SIGHUP \(message)")
            }
        }
    }
}

/// Publishes the store's size and revision as gauges every few seconds.
struct DealStoreMetricsSampler: Service {
    let store: DealStore

    func run() async throws {
        let deals = Gauge(label: "dealstore_store_deals")
        let organizations = Gauge(label: "dealstore_store_organizations")
        let revision = Gauge(label: "dealstore_store_revision")
        let readOnly = Gauge(label: "dealstore_store_read_only")
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            deals.record(self.store.dealCount)
            organizations.record(self.store.organizationCount)
            revision.record(Int64(clamping: self.store.revision))
            readOnly.record(self.store.health == .serving ? 0 : 1)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(5)) }
        }
    }
}
