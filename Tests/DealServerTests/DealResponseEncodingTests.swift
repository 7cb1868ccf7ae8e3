import DealModel
import DealProtocol
import NIOCore
import SwiftProtobuf
import Testing

@testable import DealServer

@Suite("responses assembled from stored bytes")
struct DealResponseEncodingTests {
    @Test("a ListDealsResponse framed from deal bytes equals SwiftProtobuf's encoding", arguments: [0, 1, 3])
    func listDealsResponse(count: Int) throws {
        var deals: [Dealstore_V1_Deal] = []
        for index in 0..<count {
            var deal = Dealstore_V1_Deal()
            deal.id = "deal-\(index)"
            deal.targetID = "anthropic"
            deal.title = String(repeating: "long title ", count: 20 * index)
            deals.append(deal)
        }
        for (token, total) in [("", 0), ("next-page", 123_456_789_012), ("t", 1)] {
            var expected = Dealstore_V1_ListDealsResponse()
            expected.deals = deals
            expected.nextPageToken = token
            expected.totalSize = Int64(total)
            let assembled = DealResponseEncoding.listDealsResponse(
                deals: try deals.map { try $0.serializedBytes() },
                nextPageToken: token,
                totalSize: total
            )
            let decoded = try DealFrame.decode(Dealstore_V1_ListDealsResponse.self, from: assembled)
            #expect(decoded == expected)
            let reference: [UInt8] = try expected.serializedBytes()
            #expect(Array(assembled.readableBytesView) == reference)
        }
    }
}
