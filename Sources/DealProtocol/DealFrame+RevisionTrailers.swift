public import NIOCore

extension DealFrame {
    /// The payload of an OK TRAILERS whose only metadata is `revision: <revision>`: what nearly every answer
    /// ends with (PROTOCOL.md "Consistency").
    ///
    /// Written by hand, like the bare OK TRAILERS header it replaces: a unary answer is written straight into
    /// the connection's output buffer, and encoding a `Trailers` message per call through SwiftProtobuf would cost
    /// more than a GetDeal's lookup. The whole payload is stored through one pointer after one capacity check:
    /// written as ten separate `ByteBuffer` writes (and the digits through a `String`) it was 1.5 % of the server's
    /// CPU at get 8:8. The bytes are exactly SwiftProtobuf's encoding (a test compares them, with the key
    /// `DealProtocolVersion.revisionMetadataKey`).
    public static func writeRevisionTrailersPayload(revision: UInt64, to buffer: inout ByteBuffer) {
        let digits = Self.decimalDigits(revision)
        let length = Self.revisionTrailersPayloadLength(digits: digits)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { raw in
            let key = Self.revisionKey
            // Trailers.metadata (field 3, length-delimited) holding MetadataEntry{key = 1, value = 2}; every
            // length is below 128, so each is one varint byte.
            raw[0] = 0x1A
            raw[1] = UInt8(truncatingIfNeeded: length - 2)
            raw[2] = 0x0A
            raw[3] = UInt8(truncatingIfNeeded: key.utf8CodeUnitCount)
            UnsafeMutableRawBufferPointer(rebasing: raw[4..<(4 + key.utf8CodeUnitCount)])
                .copyMemory(from: UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            var index = 4 + key.utf8CodeUnitCount
            raw[index] = 0x12
            raw[index + 1] = UInt8(truncatingIfNeeded: digits)
            index += 2
            // The digits, from the least significant one back.
            var value = revision
            var offset = index + digits
            repeat {
                offset -= 1
                raw[offset] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            } while value > 0
            return length
        }
    }

    /// The length of ``writeRevisionTrailersPayload(revision:to:)``'s payload.
    public static func revisionTrailersPayloadLength(revision: UInt64) -> Int {
        Self.revisionTrailersPayloadLength(digits: Self.decimalDigits(revision))
    }

    /// `DealProtocolVersion.revisionMetadataKey` as a static string: its bytes are in the binary, so writing them
    /// takes no lazy initialization (`swift_once`, as a `static let` would) and no allocation.
    private static var revisionKey: StaticString { "revision" }

    private static func revisionTrailersPayloadLength(digits: Int) -> Int {
        // Trailers tag and length, key tag and length, the key, value tag and length, the digits.
        2 + 2 + Self.revisionKey.utf8CodeUnitCount + 2 + digits
    }

    /// How many decimal digits `value` has (1 for 0).
    private static func decimalDigits(_ value: UInt64) -> Int {
        var value = value
        var digits = 1
        while value >= 10 {
            digits += 1
            value /= 10
        }
        return digits
    }
}
