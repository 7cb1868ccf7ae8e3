import DealModel
import DealProtocol
import NIOCore
import SwiftProtobuf
import Testing

@testable import DealServer

@Suite("revisions read and written by hand on the answer path")
struct DealRevisionEncodingTests {
    @Test(
        "the hand-written revision TRAILERS payload equals SwiftProtobuf's encoding",
        arguments: [0, 1, 9, 10, 127, 128, 1_000_000, UInt64(Int64.max), UInt64.max]
    )
    func revisionTrailers(revision: UInt64) throws {
        var trailers = Dealstore_V1_Trailers()
        trailers.metadata = [DealMetadataEntry(key: DealProtocolVersion.revisionMetadataKey, text: "\(revision)").wire]
        let expected: [UInt8] = try trailers.serializedBytes()
        var buffer = ByteBuffer()
        DealFrame.writeRevisionTrailersPayload(revision: revision, to: &buffer)
        #expect(Array(buffer.readableBytesView) == expected)
        #expect(DealFrame.revisionTrailersPayloadLength(revision: revision) == expected.count)
    }

    @Test("a stored deal's update revision is read from its bytes, not decoded", arguments: [1, 300, UInt64.max])
    func updateRevisionOfDeal(revision: UInt64) throws {
        var deal = Dealstore_V1_Deal()
        deal.id = "deal-1"
        deal.targetID = "anthropic"
        deal.title = "a title"
        deal.notes = String(repeating: "n", count: 500)
        deal.amount.currencyCode = "USD"
        deal.amount.units = 12
        deal.meta.createRevision = 1
        deal.meta.updateRevision = revision
        deal.meta.etag = "r1"
        let bytes: [UInt8] = try deal.serializedBytes()
        #expect(DealResponseEncoding.updateRevision(ofDeal: bytes) == revision)
    }

    @Test("bytes without meta, or not a deal, give no revision")
    func noRevision() throws {
        var deal = Dealstore_V1_Deal()
        deal.id = "validate-only"
        #expect(DealResponseEncoding.updateRevision(ofDeal: try deal.serializedBytes()) == nil)
        #expect(DealResponseEncoding.updateRevision(ofDeal: [0xFF, 0xFF, 0xFF]) == nil)
    }
}
