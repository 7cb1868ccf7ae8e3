public import NIOCore

extension DealFrame {
    /// The payload of an OK TRAILERS whose only metadata is `revision: <revision>`: what nearly every answer
    /// ends with (PROTOCOL.md "Consistency").
    ///
    /// Written by hand, like the bare OK TRAILERS header it replaces: a unary answer is written straight into
    /// the connection's output buffer, and encoding a `Trailers` message per call through SwiftProtobuf would cost
    /// more than a GetDeal's lookup. The bytes are exactly SwiftProtobuf's encoding (a test compares them).
    public static func writeRevisionTrailersPayload(revision: UInt64, to buffer: inout ByteBuffer) {
        let key = DealProtocolVersion.revisionMetadataKey
        // At most 20 digits: a small string, no allocation below 16.
        let value = String(revision)
        // Trailers.metadata (field 3, length-delimited) holding MetadataEntry{key = 1, value = 2}; every length
        // is below 128, so each is one varint byte.
        buffer.writeInteger(UInt8(0x1A))
        buffer.writeInteger(UInt8(2 + key.utf8.count + 2 + value.utf8.count))
        buffer.writeInteger(UInt8(0x0A))
        buffer.writeInteger(UInt8(key.utf8.count))
        buffer.writeString(key)
        buffer.writeInteger(UInt8(0x12))
        buffer.writeInteger(UInt8(value.utf8.count))
        buffer.writeString(value)
    }

    /// The length of ``writeRevisionTrailersPayload(revision:to:)``'s payload.
    public static func revisionTrailersPayloadLength(revision: UInt64) -> Int {
        var value = revision
        var digits = 0
        repeat {
            digits += 1
            value /= 10
        } while value > 0
        return 2 + 2 + DealProtocolVersion.revisionMetadataKey.utf8.count + 2 + digits
    }
}
