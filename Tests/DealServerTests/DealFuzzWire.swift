/// Raw protobuf encoding for the service fuzzer: what SwiftProtobuf will not write (invalid UTF-8 in a string
/// field, deeply nested unknown groups, truncated or spliced messages).
enum DealFuzzWire {
    static let varint: UInt8 = 0
    static let fixed64: UInt8 = 1
    static let lengthDelimited: UInt8 = 2
    static let startGroup: UInt8 = 3
    static let endGroup: UInt8 = 4
    static let fixed32: UInt8 = 5

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }

    static func tag(_ field: UInt32, _ wireType: UInt8) -> [UInt8] {
        Self.varint(UInt64(field) << 3 | UInt64(wireType))
    }

    static func field(_ field: UInt32, bytes: [UInt8]) -> [UInt8] {
        Self.tag(field, Self.lengthDelimited) + Self.varint(UInt64(bytes.count)) + bytes
    }

    /// `bytes` as the value of the length-delimited field at `path` (outermost first), wrapped in each enclosing
    /// message. Appended to a serialized message it sets (or, for a repeated field, adds) that value: protobuf
    /// merges a sub-message that occurs twice.
    static func nested(_ path: [UInt32], bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for field in path.reversed() {
            result = Self.field(field, bytes: result)
        }
        return result
    }

    /// Byte sequences that are not UTF-8: a lone continuation byte, an overlong NUL, a UTF-16 surrogate, a code
    /// point above U+10FFFF, a sequence cut short, and bytes no UTF-8 text contains.
    static let invalidUTF8: [[UInt8]] = [
        [0x80],
        [0x61, 0x62, 0x80, 0x63],
        [0xC0, 0x80],
        [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80],
        [0x61, 0xE2, 0x82],
        [0xFE, 0xFF],
        [0x41, 0xFF, 0x0A, 0x1B, 0x5B, 0x33, 0x31, 0x6D],
    ]
}
