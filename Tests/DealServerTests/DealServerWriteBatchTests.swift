import DealClient
import DealModel
import DealProtocol
import DealServer
import DealTestSupport
import Testing

@Suite("Writes answered in commit batches")
struct DealServerWriteBatchTests {
    @Test("64 concurrent creates and updates on one connection each get their own stored deal back")
    func concurrentWritesAnswerTheirOwnRecord() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.writeToken)) { client in
                let created = try await withThrowingTaskGroup(of: Dealstore_V1_Deal.self) { group in
                    for index in 0..<64 {
                        group.addTask {
                            try await client.createDeal(DealTestRecords.createRequest(id: "batch-\(index)"))
                        }
                    }
                    var deals: [Dealstore_V1_Deal] = []
                    for try await deal in group { deals.append(deal) }
                    return deals
                }
                #expect(Set(created.map(\.id)) == Set((0..<64).map { "batch-\($0)" }))
                for deal in created {
                    // The answer is the stored record (meta included), not a re-encoding of the request.
                    var get = Dealstore_V1_GetDealRequest()
                    get.id = deal.id
                    #expect(try await client.getDeal(get) == deal)
                    #expect(deal.meta.updateRevision > 0 && !deal.meta.etag.isEmpty)
                }
                let updated = try await withThrowingTaskGroup(of: (Dealstore_V1_Deal, String).self) { group in
                    for deal in created {
                        group.addTask {
                            var request = Dealstore_V1_UpdateDealRequest()
                            request.deal.id = deal.id
                            request.deal.notes = "note of \(deal.id)"
                            request.updateMask = ["notes"]
                            request.etag = deal.meta.etag
                            return (try await client.updateDeal(request), deal.id)
                        }
                    }
                    var answers: [(Dealstore_V1_Deal, String)] = []
                    for try await answer in group { answers.append(answer) }
                    return answers
                }
                #expect(updated.count == 64)
                for (deal, id) in updated {
                    #expect(deal.id == id)
                    #expect(deal.notes == "note of \(id)")
                    var get = Dealstore_V1_GetDealRequest()
                    get.id = id
                    #expect(try await client.getDeal(get) == deal)
                }
            }
        }
    }
}
