import DealClient
import DealModel
import DealProtocol
import DealServer
import DealTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Status codes the daemon produces")
struct DealServerStatusTests {
    static func expectCode(
        _ code: DealStatusCode,
        mentioning text: String? = nil,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected \(code.name), the call succeeded")
        } catch let error as DealRPCError {
            #expect(error.code == code, "\(error)")
            if let text {
                #expect(error.message.contains(text), "\(error.message)")
            }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, ABORTED, FAILED_PRECONDITION, OK")
    func storeOutcomes() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.writeToken)) { client in
                var get = Dealstore_V1_GetDealRequest()
                get.id = "no-such-deal"
                await Self.expectCode(.notFound, mentioning: "no-such-deal") { _ = try await client.getDeal(get) }

                let created = try await client.createDeal(DealTestRecords.createRequest(id: "status-1"))
                #expect(created.meta.etag.isEmpty == false)
                await Self.expectCode(.alreadyExists) {
                    _ = try await client.createDeal(DealTestRecords.createRequest(id: "status-1"))
                }

                var bad = DealTestRecords.createRequest(id: "status-2")
                bad.deal.amount.currencyCode = "XYZ"
                await Self.expectCode(.invalidArgument, mentioning: "XYZ") { _ = try await client.createDeal(bad) }
                var badID = DealTestRecords.createRequest(id: "Not An Id")
                badID.deal.id = "Not An Id"
                await Self.expectCode(.invalidArgument) { _ = try await client.createDeal(badID) }

                var update = Dealstore_V1_UpdateDealRequest()
                update.deal = created
                update.deal.status = .closed
                update.updateMask = ["status"]
                update.etag = "stale-etag"
                await Self.expectCode(.aborted) { _ = try await client.updateDeal(update) }
                update.etag = created.meta.etag
                let updated = try await client.updateDeal(update)
                #expect(updated.status == .closed)
                #expect(updated.meta.etag != created.meta.etag)

                var deleteOrg = Dealstore_V1_DeleteOrganizationRequest()
                deleteOrg.id = "anthropic"
                await Self.expectCode(.failedPrecondition) { _ = try await client.deleteOrganization(deleteOrg) }

                var delete = Dealstore_V1_DeleteDealRequest()
                delete.id = "status-1"
                _ = try await client.deleteDeal(delete)
                get.id = "status-1"
                await Self.expectCode(.notFound) { _ = try await client.getDeal(get) }
            }
        }
    }

    @Test("a malformed page token is INVALID_ARGUMENT, an unknown health service NOT_FOUND")
    func requestErrors() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                var list = Dealstore_V1_ListDealsRequest()
                list.pageToken = "garbage!!"
                await Self.expectCode(.invalidArgument) { _ = try await client.listDeals(list) }
                var health = Dealstore_V1_HealthCheckRequest()
                health.service = "nope"
                await Self.expectCode(.notFound) { _ = try await client.healthCheck(health) }
                health.service = ""
                let status = try await client.healthCheck(health).status
                #expect(status == .serving)
            }
        }
    }

    @Test("an unknown method is UNIMPLEMENTED and the connection keeps serving")
    func unimplemented() async throws {
        try await DealServerHarness.with { harness, _ in
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            defer { raw.close() }
            try await raw.sendHello()
            var headers = Dealstore_V1_CallHeaders()
            headers.method = "/dealstore.v1.Deals/Teleport"
            var ping = Dealstore_V1_Ping()
            ping.opaque = 7
            try await raw.send([
                DealFrame(kind: .headers, flags: .endStream, streamID: 1, message: headers),
                DealFrame(kind: .ping, streamID: 0, message: ping),
            ])
            let frames = try await raw.waitForFrames(3)
            let trailers = try #require(frames.first { $0.kind == .trailers })
            let status: Dealstore_V1_Trailers = try trailers.decodePayload()
            #expect(status.code == DealStatusCode.unimplemented.rawValue)
            #expect(frames.contains { $0.kind == .pong })
            #expect(raw.channel.isActive)
        }
    }
}
