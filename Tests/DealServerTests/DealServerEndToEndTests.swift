import DealClient
import DealModel
import DealProtocol
import DealServer
import DealTestSupport
import Foundation
import Testing

@Suite("dealsd in process, over real TLS")
struct DealServerEndToEndTests {
    @Test("server info reports versions, the store and every method")
    func serverInfo() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                let info = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
                #expect(info.minProtocolVersion == 1)
                #expect(info.tlsLibraryVersion.hasPrefix("OpenSSL 3"))
                #expect(info.methods.count == DealMethod.all.count)
                #expect(info.dealCount > 0)
                #expect(info.callerRole == "read")
            }
        }
    }

    @Test("an import of several slices numbers its rejections by input position and imports the rest")
    func importAcrossSlices() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.writeToken)) { client in
                let invalid: Set<Int> = [7, 1_500, 2_400]
                let records = AsyncStream<Dealstore_V1_DealRecord> { continuation in
                    for index in 0..<2_500 {
                        var record = Dealstore_V1_DealRecord()
                        record.deal = DealTestRecords.deal(id: "sliced-\(index)")
                        if invalid.contains(index) {
                            record.deal.amount = DealTestRecords.usd(-1)
                        }
                        continuation.yield(record)
                    }
                    continuation.finish()
                }
                let response = try await client.importDeals(records)
                #expect(response.created == 2_497)
                #expect(response.rejected.map(\.index) == [7, 1_500, 2_400])
                #expect(response.rejected.map(\.id) == ["sliced-7", "sliced-1500", "sliced-2400"])
                var get = Dealstore_V1_GetDealRequest()
                get.id = "sliced-2499"
                #expect(try await client.getDeal(get).id == "sliced-2499")
            }
        }
    }

    @Test("the seed deals are listed and fetched")
    func listAndGet() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                var request = Dealstore_V1_ListDealsRequest()
                request.filter.investorIds = ["Amazon"]
                let page = try await client.listDeals(request)
                #expect(page.deals.count >= 1)
                #expect(page.deals.allSatisfy { $0.participations.contains { $0.investorID == "amazon" } })
                var get = Dealstore_V1_GetDealRequest()
                get.id = page.deals[0].id
                let deal = try await client.getDeal(get)
                #expect(deal.id == page.deals[0].id)
            }
        }
    }
}
