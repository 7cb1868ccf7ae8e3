import DealModel
import DealProtocol
import NIOCore

/// Responses assembled from records the store already holds serialized, in protobuf's binary encoding.
///
/// Protobuf encodes a repeated message field as each element's bytes behind its tag and length, so a page of
/// stored deals becomes a `ListDealsResponse` by concatenation. The encodings are pinned by a test against
/// SwiftProtobuf's own.
enum DealResponseEncoding {
    /// `ListDealsResponse { deals = 1; next_page_token = 2; total_size = 3 }`.
    static func listDealsResponse(deals: [[UInt8]], nextPageToken: String, totalSize: Int) -> ByteBuffer {
        var size = 0
        for deal in deals { size += 1 + DealVarint.size(of: UInt64(deal.count)) + deal.count }
        size += 2 + DealVarint.size(of: UInt64(nextPageToken.utf8.count)) + nextPageToken.utf8.count + 11
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size)
        for deal in deals {
            buffer.writeInteger(UInt8(0x0A))  // field 1, length-delimited
            buffer.writeDealVarint(UInt64(deal.count))
            buffer.writeBytes(deal)
        }
        if !nextPageToken.isEmpty {
            buffer.writeInteger(UInt8(0x12))  // field 2, length-delimited
            buffer.writeDealVarint(UInt64(nextPageToken.utf8.count))
            buffer.writeString(nextPageToken)
        }
        if totalSize != 0 {
            buffer.writeInteger(UInt8(0x18))  // field 3, varint
            buffer.writeDealVarint(UInt64(bitPattern: Int64(totalSize)))
        }
        return buffer
    }
}
