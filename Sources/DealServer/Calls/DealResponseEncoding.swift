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
        for deal in deals { size += 1 + Self.varintSize(UInt64(deal.count)) + deal.count }
        size += 2 + Self.varintSize(UInt64(nextPageToken.utf8.count)) + nextPageToken.utf8.count + 11
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size)
        for deal in deals {
            buffer.writeInteger(UInt8(0x0A))  // field 1, length-delimited
            Self.writeVarint(UInt64(deal.count), to: &buffer)
            buffer.writeBytes(deal)
        }
        if !nextPageToken.isEmpty {
            buffer.writeInteger(UInt8(0x12))  // field 2, length-delimited
            Self.writeVarint(UInt64(nextPageToken.utf8.count), to: &buffer)
            buffer.writeString(nextPageToken)
        }
        if totalSize != 0 {
            buffer.writeInteger(UInt8(0x18))  // field 3, varint
            Self.writeVarint(UInt64(bitPattern: Int64(totalSize)), to: &buffer)
        }
        return buffer
    }

    static func varintSize(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    static func writeVarint(_ value: UInt64, to buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(truncatingIfNeeded: value))
    }
}
