/// Protobuf's base-128 varint, written and read in one place for every module that encodes bytes by hand.
///
/// The store's log and index codecs, the money tables, the server's response encoding and the header decoders
/// all speak varints; they sit above this module, so one writer and one reader here serve all of them (the
/// ByteBuffer form is `ByteBuffer.writeDealVarint(_:)` in DealProtocol, over ``forEachByte(of:_:)``).
public enum DealVarint {
    /// The most bytes a 64-bit value takes: 64 bits in groups of 7.
    public static let maxSize = 10

    /// The bytes `value` takes, 1 through ``maxSize``.
    @inlinable
    public static func size(of value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    /// Hands `body` the bytes of `value`, low group first, each but the last with its continuation bit set.
    @inlinable
    public static func forEachByte(of value: UInt64, _ body: (UInt8) -> Void) {
        var rest = value
        while rest >= 0x80 {
            body(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        body(UInt8(truncatingIfNeeded: rest))
    }

    /// Appends the bytes of `value` to `bytes`.
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        Self.forEachByte(of: value) { bytes.append($0) }
    }

    /// Reads a varint starting at `index` and moves `index` past it.
    ///
    /// - Returns: the value, or `nil` when the input ends inside the varint or the varint runs over ``maxSize``
    ///   bytes (overlong); `index` is then past the bytes looked at and the caller must treat the input as
    ///   malformed. Bits of a tenth byte beyond 64 are dropped, as protobuf's decoders do.
    @inlinable
    public static func read(from bytes: UnsafeRawBufferPointer, at index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index >= 0, index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// Reads a varint from `bytes` starting at `index`; as the raw-buffer form does.
    @inlinable
    public static func read(from bytes: [UInt8], at index: inout Int) -> UInt64? {
        bytes.withUnsafeBytes { Self.read(from: $0, at: &index) }
    }
}
