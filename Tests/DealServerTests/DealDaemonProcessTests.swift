import DealClient
import DealModel
import DealProtocol
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
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 300...900)))
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
