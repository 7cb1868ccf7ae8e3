import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation
import Logging
import Testing

@testable import DealStore

#if canImport(Glibc)
import Glibc
#endif

/// Overflowing amounts against the real `dealsd` over TLS on loopback: refused by name, summarized without a trap.
@Suite("dealsd and amounts at the edges", .serialized)
struct DealArithmeticDaemonTests {
    static let maximum: Int64 = 1_000_000_000_000_000

    static func tranche(_ id: String, units: Int64) -> Dealstore_V1_Tranche {
        var tranche = Dealstore_V1_Tranche()
        tranche.id = id
        tranche.investorID = "amazon"
        tranche.amount = DealTestRecords.usd(units)
        tranche.status = .funded
        return tranche
    }

    static func expectInvalid(
        _ field: String,
        _ call: () async throws(DealRPCError) -> Void
    ) async {
        do {
            try await call()
            Issue.record("\(field): accepted")
        } catch {
            #expect(error.code == .invalidArgument, "\(field): \(error)")
            #expect(error.message.contains(field), "\(error.message)")
        }
    }

    @Test("two Int64.max tranches on a small cap: INVALID_ARGUMENT naming the field, and dealsd keeps serving")
    func overflowingTranches() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-arith-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try DealDaemonProcess.start(dataDirectory: directory)
        defer { daemon.kill(SIGTERM) }
        try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { client in
            var deal = DealTestRecords.deal(id: "overflow-tranches")
            deal.commitmentCap = DealTestRecords.usd(1_000)
            deal.tranches = [Self.tranche("a", units: Int64.max), Self.tranche("b", units: Int64.max)]
            for validateOnly in [true, false] {
                var request = Dealstore_V1_CreateDealRequest()
                request.deal = deal
                request.validateOnly = validateOnly
                await Self.expectInvalid("tranches[0].amount.units") { () throws(DealRPCError) in
                    _ = try await client.createDeal(request)
                }
            }
            // The process is alive and answers the next call.
            #expect(daemon.process.isRunning)
            let info = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            #expect(info.dealCount > 0)

            // Just above the maximum: refused by field; exactly the maximum: stored.
            var request = Dealstore_V1_CreateDealRequest()
            request.deal = DealTestRecords.deal(id: "edge-above", amount: Self.maximum + 1)
            await Self.expectInvalid("amount.units") { () throws(DealRPCError) in
                _ = try await client.createDeal(request)
            }
            request.deal = DealTestRecords.deal(id: "edge-exact", amount: Self.maximum)
            let stored = try await client.createDeal(request)
            #expect(stored.amount.units == Self.maximum)
        }
        #expect(daemon.process.isRunning)
    }

    @Test("a data directory holding amounts above the maximum restarts and summarizes without crashing")
    func legacyDataRestarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-legacy-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await Self.writeLegacyStore(directory + "/store")
        for round in 0..<2 {
            let daemon = try DealDaemonProcess.start(dataDirectory: directory)
            defer { daemon.kill(round == 0 ? SIGKILL : SIGTERM) }
            try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { client in
                for grouping in [Dealstore_V1_SummaryGrouping.target, .investor, .year] {
                    var request = Dealstore_V1_SummarizeDealsRequest()
                    request.groupBy = grouping
                    let response = try await client.summarizeDeals(request)
                    // Targets and investors come largest first; years in time order (the test deals are 2024's).
                    let group = grouping == .year ? response.groups.first { $0.key == "2024" } : response.groups.first
                    let total = try #require(group?.totals.first { $0.currencyCode == "USD" })
                    #expect(total.committedSaturated, "\(grouping), round \(round)")
                    #expect(total.committed.units == Int64.max)
                }
                var top = Dealstore_V1_TopDealsRequest()
                top.limit = 3
                top.currencyCode = "USD"
                #expect(try await client.topDeals(top).deals.first?.amount.units == Int64.max)
            }
            #expect(daemon.process.isRunning)
        }
    }

    /// The bundled dataset plus three deals with amounts of Int64.max units written without the validator, as a
    /// dealsd from before the maximum could store them.
    static func writeLegacyStore(_ path: String) async throws {
        var logger = Logger(label: "DealArithmeticDaemonTests")
        logger.logLevel = .critical
        let store = try await DealStore.open(
            directory: path,
            options: DealStoreOptions(fsyncPolicy: .none, seedIfEmpty: true),
            logger: logger
        )
        do {
            for index in 0..<3 {
                var deal = DealTestRecords.deal(id: "legacy-\(index)", amount: Int64.max)
                deal.tranches = [Self.tranche("a", units: Int64.max), Self.tranche("b", units: Int64.max)]
                let legacy = deal
                _ = try await store.submit { (state, batch) throws(DealStoreError) -> Bool in
                    var stored = legacy
                    stored.meta = DealStore.meta(revision: state.revision + 1, created: nil, time: batch.timeMicros)
                    _ = try batch.emitDeal(.created, stored, state: &state)
                    return true
                }
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
