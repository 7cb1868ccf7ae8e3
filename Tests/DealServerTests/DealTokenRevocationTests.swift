import DealClient
import DealModel
import DealProtocol
import DealServer
import DealTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a watch running in a task has seen: events so far, and how it ended.
final class DealWatchOutcome: Sendable {
    let events = Mutex(0)
    let ending = Mutex<DealStatusCode?>(nil)

    /// Runs `stream` until it ends, counting its responses and keeping its status.
    func run<Response>(_ stream: DealResponseStream<Response>) async {
        do {
            for try await _ in stream { self.events.withLock { $0 += 1 } }
            self.ending.withLock { $0 = .ok }
        } catch {
            self.ending.withLock { $0 = error.code }
        }
    }
}

@Suite("Token revocation reaches open calls", .serialized)
struct DealTokenRevocationTests {
    static func eventually(
        within seconds: Double = 20,
        _ condition: @Sendable () -> Bool
    ) async -> Bool {
        await DealWait.eventually(timeout: .milliseconds(Int(seconds * 1000)), condition)
    }

    static func tokensWithout(_ name: String, in path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasSuffix(" " + name) }
        #expect(kept.count < text.split(separator: "\n", omittingEmptySubsequences: false).count)
        try kept.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test(
        "a reload that removes a token ends the WatchDeals and Health/Watch streams it authorized with UNAUTHENTICATED; other watches go on",
        .timeLimit(.minutes(1))
    )
    func reloadEndsRevokedWatches() async throws {
        try await DealServerHarness.with { harness, server in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { reader in
                try await withDealClient(configuration: harness.clientConfiguration(token: harness.adminToken)) {
                    admin in
                    let deals = DealWatchOutcome()
                    let health = DealWatchOutcome()
                    let adminDeals = DealWatchOutcome()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { await deals.run(reader.watchDeals(Dealstore_V1_WatchDealsRequest())) }
                        group.addTask { await health.run(reader.healthWatch(Dealstore_V1_HealthCheckRequest())) }
                        group.addTask { await adminDeals.run(admin.watchDeals(Dealstore_V1_WatchDealsRequest())) }
                        #expect(await Self.eventually { server.activeCallCount == 3 })
                        #expect(await Self.eventually { health.events.withLock { $0 } >= 1 })

                        try Self.tokensWithout("reader", in: harness.directory + "/tokens")
                        try server.reload()

                        #expect(await Self.eventually { deals.ending.withLock { $0 } != nil })
                        #expect(await Self.eventually { health.ending.withLock { $0 } != nil })
                        #expect(deals.ending.withLock { $0 } == .unauthenticated)
                        #expect(health.ending.withLock { $0 } == .unauthenticated)
                        // The admin's watch is untouched and still receives changes.
                        _ = try await admin.createDeal(DealTestRecords.createRequest(id: "after-revocation"))
                        #expect(await Self.eventually { adminDeals.events.withLock { $0 } >= 1 })
                        #expect(adminDeals.ending.withLock { $0 } == nil)
                        let again = await DealServerAuthTests.code {
                            _ = try await reader.listDeals(Dealstore_V1_ListDealsRequest())
                        }
                        #expect(again == .unauthenticated)
                        group.cancelAll()
                    }
                }
            }
        }
    }

    @Test(
        "a reload that revokes a token before a call's request ends refuses the call: no deal created, no record imported",
        .timeLimit(.minutes(1))
    )
    func reloadRefusesCallsWhoseRequestIsOpen() async throws {
        try await DealServerHarness.with { harness, server in
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            defer { raw.close() }
            try await raw.sendHello()
            let createHeaders = DealServerLimitTests.headers(.createDeal, token: harness.writeToken)
            let importHeaders = DealServerLimitTests.headers(.importDeals, token: harness.writeToken)
            var create = DealTestRecords.createRequest(id: "created-after-revocation")
            var record = Dealstore_V1_ImportDealsRequest()
            record.record.deal = DealTestRecords.deal(id: "imported-before-revocation")
            // Both calls authorized, their requests still open.
            try await raw.send([
                try DealFrame(kind: .headers, streamID: 1, message: createHeaders),
                try DealFrame(kind: .headers, streamID: 3, message: importHeaders),
                try DealFrame(kind: .message, streamID: 3, message: record),
            ])
            // A ServerInfo answered means the frames before it were handled.
            try await raw.send(try DealServerLimitTests.call(5, .getServerInfo, token: harness.adminToken))
            _ = try await raw.waitForFrames(2)
            try Self.tokensWithout("writer", in: harness.directory + "/tokens")
            try server.reload()
            record.record.deal = DealTestRecords.deal(id: "imported-after-revocation")
            create.deal.title = "sent after the reload"
            try await raw.send([
                try DealFrame(kind: .message, flags: .endStream, streamID: 1, message: create),
                try DealFrame(kind: .message, flags: .endStream, streamID: 3, message: record),
            ])
            let frames = try await raw.waitForFrames(4)
            for id: UInt32 in [1, 3] {
                let trailers = try #require(frames.first { $0.kind == .trailers && $0.streamID == id })
                let status: Dealstore_V1_Trailers = try trailers.decodePayload()
                #expect(status.code == DealStatusCode.unauthenticated.rawValue, "stream \(id): \(status.message)")
                #expect(status.message.contains("revoked"))
            }
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.adminToken)) { admin in
                for id in ["created-after-revocation", "imported-before-revocation", "imported-after-revocation"] {
                    var get = Dealstore_V1_GetDealRequest()
                    get.id = id
                    let code = await DealServerAuthTests.code { _ = try await admin.getDeal(get) }
                    #expect(code == .notFound, "\(id) must not exist")
                }
            }
        }
    }

    @Test(
        "SIGHUP whose certificate reload fails still revokes the removed token and ends its watch; the log names the failed part",
        .timeLimit(.minutes(2))
    )
    func sighupWithBrokenCertificateStillRevokes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-revoke-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try DealDaemonProcess.start(dataDirectory: directory, extraArguments: ["--log-level", "notice"])
        defer { daemon.kill(SIGTERM) }
        let created = try await DealDaemonOperationsTests.run([
            "token", "create", "--role", "read", "--name", "watcher", "--data-dir", directory,
        ])
        #expect(created.status == 0)
        var watcher = DealDaemonProcessTests.client(daemon)
        watcher.token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        Glibc.kill(daemon.process.processIdentifier, SIGHUP)

        try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { admin in
            try await withDealClient(configuration: watcher) { client in
                var accepted = DealStatusCode.unauthenticated
                for _ in 0..<200 where accepted != .ok {
                    try await Task.sleep(for: .milliseconds(50))
                    accepted = await DealServerAuthTests.code {
                        _ = try await client.listDeals(Dealstore_V1_ListDealsRequest())
                    }
                }
                #expect(accepted == .ok)
                let watch = DealWatchOutcome()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await watch.run(client.watchDeals(Dealstore_V1_WatchDealsRequest())) }
                    // The watch is open once it delivers a change.
                    var index = 0
                    while watch.events.withLock({ $0 }) == 0 && index < 100 {
                        index += 1
                        _ = try await admin.createDeal(DealTestRecords.createRequest(id: "before-\(index)"))
                        _ = await Self.eventually(within: 0.5) { watch.events.withLock { $0 } > 0 }
                    }
                    #expect(watch.events.withLock { $0 } > 0)

                    // A broken certificate file and a revoked token in the same reload.
                    try "not a certificate\n".write(
                        toFile: directory + "/server.pem",
                        atomically: true,
                        encoding: .utf8
                    )
                    try Self.tokensWithout("watcher", in: directory + "/tokens")
                    Glibc.kill(daemon.process.processIdentifier, SIGHUP)

                    #expect(await Self.eventually { watch.ending.withLock { $0 } != nil })
                    #expect(watch.ending.withLock { $0 } == .unauthenticated)
                    group.cancelAll()
                }
                let refused = await DealServerAuthTests.code {
                    _ = try await client.listDeals(Dealstore_V1_ListDealsRequest())
                }
                #expect(refused == .unauthenticated)
            }
            for _ in 0..<500 where !daemon.errorOutput.contains("certificates not reloaded") {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(daemon.errorOutput.contains("certificates not reloaded"), "\(daemon.errorOutput)")
            #expect(daemon.errorOutput.contains("server.pem"), "\(daemon.errorOutput)")
        }
        // The previous certificate stays in use: a new connection still completes its handshake.
        let info = try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { admin in
            try await admin.getServerInfo(Dealstore_V1_GetServerInfoRequest())
        }
        #expect(info.callerRole == "admin")
    }
}
