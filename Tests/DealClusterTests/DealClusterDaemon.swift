import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `dealsd --postgres` process on a loopback port it picks itself, with a data directory of its own (its
/// CA and tokens; the records are in PostgreSQL).
final class DealClusterDaemon: Sendable {
    let daemon: DealDaemonProcess
    var process: Process { self.daemon.process }
    var dataDirectory: String { self.daemon.dataDirectory }
    var port: Int { self.daemon.port }

    var caFile: String { self.dataDirectory + "/ca.pem" }

    var adminToken: String {
        ((try? String(contentsOfFile: self.dataDirectory + "/admin.token", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var client: DealClientConfiguration {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: self.port)
        configuration.trustRootsFile = self.caFile
        configuration.token = self.adminToken
        configuration.waitForConnectionTimeout = .seconds(1)
        return configuration
    }

    /// Starts `dealsd --postgres conninfo` on 127.0.0.1:0 and waits until it announces its port.
    static func start(dataDirectory: String, conninfo: String) throws -> DealClusterDaemon {
        DealClusterDaemon(
            daemon: try DealDaemonProcess.start(
                dataDirectory: dataDirectory,
                extraArguments: ["--postgres", conninfo],
                logLevel: "notice",
                timeout: .seconds(60)
            )
        )
    }

    private init(daemon: DealDaemonProcess) {
        self.daemon = daemon
    }

    /// What dealsd logged (its standard error).
    var errorOutput: String { self.daemon.errorOutput }

    func kill(_ signal: Int32) {
        self.daemon.kill(signal)
    }

    /// The revision the node serves reads at (GetServerInfo).
    func revision() async throws -> UInt64 {
        try await withDealClient(configuration: self.client) { client in
            try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
        }
    }

    /// Waits until the node has applied `revision`; fails after `timeout`.
    func waitForRevision(_ revision: UInt64, timeout: Duration = .seconds(30)) async throws {
        try await DealWait.until("node on port \(self.port) applying revision \(revision)", timeout: timeout) {
            ((try? await self.revision()) ?? 0) >= revision
        }
    }

    /// The node's health (status and reason).
    func health() async throws -> Dealstore_V1_HealthCheckResponse {
        try await withDealClient(configuration: self.client) { client in
            try await client.healthCheck(Dealstore_V1_HealthCheckRequest())
        }
    }
}
