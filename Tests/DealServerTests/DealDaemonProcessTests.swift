import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("The real dealsd binary", .serialized)
struct DealDaemonProcessTests {
    static func client(_ daemon: DealDaemonProcess) -> DealClientConfiguration {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: daemon.port)
        configuration.trustRootsFile = daemon.caFile
        configuration.token = daemon.adminToken
        configuration.waitForConnectionTimeout = .seconds(1)
        return configuration
    }

    @Test("first start: CA, token and store are created private, and the announced command's pieces work")
    func firstStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-first-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try DealDaemonProcess.start(dataDirectory: directory)
        defer { daemon.kill(SIGTERM) }
        #expect(daemon.output.contains("--ca \(daemon.caFile)"))
        #expect(daemon.output.contains("admin.token"))
        #expect(!daemon.output.contains(daemon.adminToken), "the token itself must not be printed")
        for file in ["admin.token", "tokens", "ca-key.pem", "server-key.pem"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
            #expect(mode & 0o077 == 0, "\(file) is readable by others: \(String(mode, radix: 8))")
        }
        let count = try await withDealClient(configuration: Self.client(daemon)) { client in
            try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).dealCount
        }
        #expect(count > 0)
    }

    @Test("kill -9 during writes: after a restart every acknowledged write is there", .timeLimit(.minutes(3)))
    func killDuringWrites() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-kill-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let acknowledged = AcknowledgedWrites()
        var random = DealSeededRandom.logged("kill moments")
        for round in 0..<3 {
            let daemon = try DealDaemonProcess.start(dataDirectory: directory)
            // Every write acknowledged in earlier rounds survived the previous SIGKILL.
            let expected = acknowledged.ids.withLock { $0 }
            try await withDealClient(configuration: Self.client(daemon)) { client in
                for id in expected {
                    var request = Dealstore_V1_GetDealRequest()
                    request.id = id
                    let deal = try await client.getDeal(request)
                    #expect(deal.id == id)
                }
                await withTaskGroup(of: Void.self) { group in
                    for writer in 0..<16 {
                        group.addTask {
                            for n in 0..<1000 {
                                let id = "kill-\(round)-\(writer)-\(n)"
                                do {
                                    _ = try await client.createDeal(DealTestRecords.createRequest(id: id))
                                    acknowledged.ids.withLock { $0.append(id) }
                                } catch {
                                    return
                                }
                            }
                        }
                    }
                    let pid = daemon.process.processIdentifier
                    let before = expected.count
                    let delay = Int.random(in: 50...400, using: &random)
                    group.addTask {
                        // Kill at a random moment once this round's writes are flowing (a loaded machine may take
                        // a while to connect), so every round kills with writes in flight.
                        for _ in 0..<600 where acknowledged.ids.withLock({ $0.count }) == before {
                            try? await Task.sleep(for: .milliseconds(50))
                        }
                        try? await Task.sleep(for: .milliseconds(delay))
                        Glibc.kill(pid, SIGKILL)
                    }
                }
            }
            daemon.kill(SIGKILL)
            #expect(acknowledged.ids.withLock { $0.count } > expected.count, "round \(round) acknowledged nothing")
        }
        let daemon = try DealDaemonProcess.start(dataDirectory: directory)
        defer { daemon.kill(SIGTERM) }
        let expected = acknowledged.ids.withLock { $0 }
        let missing = try await withDealClient(configuration: Self.client(daemon)) { client in
            var missing: [String] = []
            for id in expected {
                var request = Dealstore_V1_GetDealRequest()
                request.id = id
                do {
                    _ = try await client.getDeal(request)
                } catch {
                    missing.append(id)
                }
            }
            return missing
        }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
    }

    @Test("SIGTERM drains and exits 0; a restart serves the same revision")
    func gracefulStop() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-term-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try DealDaemonProcess.start(dataDirectory: directory)
        let revision = try await withDealClient(configuration: Self.client(first)) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "term-1"))
            return try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
        }
        first.kill(SIGTERM)
        #expect(first.process.terminationStatus == 0)
        let second = try DealDaemonProcess.start(dataDirectory: directory)
        defer { second.kill(SIGTERM) }
        let after = try await withDealClient(configuration: Self.client(second)) { client in
            try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
        }
        #expect(after == revision)
    }
}

/// Ids whose create was acknowledged, shared by the writer tasks.
final class AcknowledgedWrites: Sendable {
    let ids = Mutex<[String]>([])
}

@Suite("dealsd operations: reload, metrics, check")
struct DealDaemonOperationsTests {
    /// Runs `dealsd <arguments>` to completion; stdout and stderr together.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await DealExternalProcess.run(
            [try DealDaemonProcess.requiredBinaryPath()] + arguments,
            timeoutSeconds: 60,
            directory: try DealTemporaryDirectory(prefix: "dealsd-run")
        )
        return (result.status, result.combined)
    }

    @Test("SIGHUP picks up a token created while running; the open connection stays up")
    func reloadTokens() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-hup-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try DealDaemonProcess.start(dataDirectory: directory)
        defer { daemon.kill(SIGTERM) }
        let created = try await Self.run([
            "token", "create", "--role", "read", "--name", "late", "--data-dir", directory,
        ])
        #expect(created.status == 0)
        let token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("dst_"))
        try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { admin in
            _ = try await admin.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            var late = DealDaemonProcessTests.client(daemon)
            late.token = token
            let before = try await withDealClient(configuration: late) { client in
                await DealServerAuthTests.code { _ = try await client.listDeals(Dealstore_V1_ListDealsRequest()) }
            }
            #expect(before == .unauthenticated)
            Glibc.kill(daemon.process.processIdentifier, SIGHUP)
            var after = DealStatusCode.unauthenticated
            for _ in 0..<100 where after != .ok {
                try await Task.sleep(for: .milliseconds(50))
                after = try await withDealClient(configuration: late) { client in
                    await DealServerAuthTests.code { _ = try await client.listDeals(Dealstore_V1_ListDealsRequest()) }
                }
            }
            #expect(after == .ok)
            // The admin's connection, opened before the reload, still works.
            _ = try await admin.getServerInfo(Dealstore_V1_GetServerInfoRequest())
        }
    }

    @Test("the metrics endpoint serves Prometheus text with call counts")
    func metrics() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-metrics-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try DealTestPorts.freePort()
        let daemon = try DealDaemonProcess.start(
            dataDirectory: directory,
            extraArguments: ["--metrics-listen", "127.0.0.1:\(port)"]
        )
        defer { daemon.kill(SIGTERM) }
        try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { client in
            _ = try await client.listDeals(Dealstore_V1_ListDealsRequest())
        }
        var body = ""
        for _ in 0..<50 where !body.contains("dealstore_calls_total") {
            body = try await DealExternalProcess.run(
                [
                    "python3", "-c",
                    "import urllib.request,sys;sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:\(port)/metrics').read().decode())",
                ],
                directory: try DealTemporaryDirectory(prefix: "dealsd-metrics")
            ).output
            if !body.contains("dealstore_calls_total") {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(body.contains("dealstore_calls_total"))
        #expect(body.contains("ListDeals"))
        #expect(body.contains("dealstore_connections"))
    }

    @Test("dealsd check reports a healthy store and --version prints the version")
    func checkAndVersion() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-check-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try DealDaemonProcess.start(dataDirectory: directory)
        daemon.kill(SIGTERM)
        let check = try await Self.run(["check", "--data-dir", directory])
        #expect(check.status == 0, "\(check.output)")
        let version = try await Self.run(["--version"])
        #expect(version.output.contains("0.1.0"))
        let missing = try await Self.run(["serve", "--config", directory + "/nope.yaml", "--listen", "127.0.0.1:0"])
        #expect(missing.status != 0)
        #expect(missing.output.contains("nope.yaml"))
    }
}
