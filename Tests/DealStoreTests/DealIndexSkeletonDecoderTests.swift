import DealModel
import SwiftProtobuf
import Testing

@testable import DealStore

@Suite("index entries from the skeleton reader")
struct DealIndexSkeletonDecoderTests {
    @Test("every seed deal gives the same index entry as a full decode")
    func seedDeals() throws {
        var count = 0
        for record in try DealStore.seedRecords() {
            guard case .deal(var deal) = record.record else { continue }
            deal.meta.updateRevision = 1234
            deal.meta.etag = "r1"
            let bytes: [UInt8] = try deal.serializedBytes()
            let skeleton = try #require(DealIndexSkeletonDecoder.skeleton(bytes))
            let full = DealIndexEntry(deal: try Dealstore_V1_Deal(serializedBytes: bytes), bytes: bytes)
            let fast = DealIndexEntry(deal: skeleton, bytes: bytes)
            #expect(String(describing: fast) == String(describing: full))
            count += 1
        }
        #expect(count > 0)
    }

    @Test("bytes it does not handle are declined, not misread")
    func declines() {
        #expect(DealIndexSkeletonDecoder.skeleton([0x0A, 0x05, 0x61]) == nil)  // truncated id
        #expect(DealIndexSkeletonDecoder.skeleton([0x98, 0x01, 0x01]) == nil)  // unknown field 19
        #expect(DealIndexSkeletonDecoder.skeleton([0x32, 0x00, 0x32, 0x00]) == nil)  // announced twice
        #expect(DealIndexSkeletonDecoder.skeleton([0x18, 0x01]) != nil)  // type only
    }
}
