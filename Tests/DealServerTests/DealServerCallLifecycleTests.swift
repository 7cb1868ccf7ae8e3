import DealClient
import DealModel
import DealProtocol
import DealServer
import DealStore
import DealTestSupport
import Foundation
import Testing

@Suite("Deadlines, cancellation, concurrency and drain")
struct DealServerCallLifecycleTests {
    /// Polls a condition for up to `timeout`.
    static func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
        await DealWait.eventually(timeout: timeout, interval: .milliseconds(10), condition)
    }

    @Test(
        "a call that outlives its deadline ends with DEADLINE_EXCEEDED and the server stops it",
        .timeLimit(.minutes(1))
    )
    func deadlineOnSlowHandler() async throws {
        try await DealServerHarness.with { harness, server in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                // WatchDeals never finishes on its own: the slowest handler there is.
                let watch = client.watchDeals(
                    Dealstore_V1_WatchDealsRequest(),
                    options: DealCallOptions(timeout: .milliseconds(300))
                )
                do {
                    for try await _ in watch {}
                    Issue.record("the watch ended without an error")
                } catch let error as DealRPCError {
                    #expect(error.code == .deadlineExceeded)
                }
                #expect(await Self.eventually { server.activeCallCount == 0 })
            }
        }
    }

    @Test("cancelling the client's task reaches the server's handler")
    func cancellation() async throws {
        try await DealServerHarness.with { harness, server in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await _ in client.watchDeals(Dealstore_V1_WatchDealsRequest()) {}
                    }
                    #expect(await Self.eventually { server.activeCallCount == 1 })
                    group.cancelAll()
                    _ = try? await group.next()
                }
                #expect(await Self.eventually { server.activeCallCount == 0 })
            }
        }
    }

    @Test("100 concurrent calls share one connection and all succeed")
    func hundredStreams() async throws {
        try await DealServerHarness.with { harness, server in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.writeToken)) { client in
                let ids = try await withThrowingTaskGroup(of: String.self) { group in
                    for i in 0..<100 {
                        group.addTask {
                            if i % 4 == 0 {
                                return try await client.createDeal(DealTestRecords.createRequest(id: "many-\(i)")).id
                            }
                            var request = Dealstore_V1_ListDealsRequest()
                            request.pageSize = 2
                            return try await client.listDeals(request).deals.first?.id ?? ""
                        }
                    }
                    var ids: [String] = []
                    for try await id in group { ids.append(id) }
                    return ids
                }
                #expect(ids.count == 100)
                #expect(ids.filter { $0.hasPrefix("many-") }.count == 25)
                #expect(server.connectionCount == 1)
            }
        }
    }

    @Test("graceful shutdown: calls in flight finish; every acknowledged write is in the store afterwards")
    func drain() async throws {
        var limits = DealConnectionLimits()
        limits.drainGracePeriod = .seconds(2)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let acknowledged = try await DealServerHarness.with(limits: limits, directory: directory) { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.writeToken)) {
                client in
                try await withThrowingTaskGroup(of: String?.self) { group in
                    for i in 0..<40 {
                        group.addTask {
                            do {
                                return try await client.createDeal(DealTestRecords.createRequest(id: "drain-\(i)")).id
                            } catch let error as DealRPCError {
                                // Refused as unprocessed, or cut by the shutdown: never any other failure.
                                #expect([.unavailable, .cancelled].contains(error.code), "\(error)")
                                return nil
                            }
                        }
                    }
                    var ids: [String] = []
                    var first = true
                    for try await id in group {
                        if first {
                            first = false
                            // Shut down while the other writes are in flight.
                            await harness.shutdown()
                        }
                        if let id { ids.append(id) }
                    }
                    return ids
                }
            }
        }
        #expect(acknowledged.isEmpty == false)
        let store = try await DealStore.open(directory: directory + "/store")
        for id in acknowledged {
            #expect((try? store.deal(id: id)) != nil, "acknowledged \(id) is missing")
        }
        try await store.close()
    }
}
