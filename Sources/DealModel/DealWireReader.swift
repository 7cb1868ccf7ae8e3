/// A bounds-checked cursor over protobuf wire bytes, for the few hot paths that read a message by hand.
///
/// The server's `CallHeaders` decoder and the store's index-field decoder read only what they need and hand
/// anything unusual to SwiftProtobuf; they share this reader. Every read returns `nil` when the input ends early
/// or is malformed, and then the caller falls back (or fails) rather than guess. The bytes must outlive the reader.
@frozen
public struct DealWireReader {
    /// The bytes being read.
    public let bytes: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    public var index = 0

    /// Starts reading at the first byte of `bytes`.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// True when every byte has been read.
    @inlinable
    public var isAtEnd: Bool { self.index >= self.bytes.count }

    /// A base-128 varint, or `nil` when it runs past the end or over 64 bits (``DealVarint/read(from:at:)``).
    @inlinable
    public mutating func varint() -> UInt64? {
        DealVarint.read(from: self.bytes, at: &self.index)
    }

    /// An `int32` field's value (protobuf encodes negatives as 64-bit varints and truncates).
    @inlinable
    public mutating func int32() -> Int32? {
        self.varint().map { Int32(truncatingIfNeeded: $0) }
    }

    /// A field key split into field number and wire type; `nil` for field number 0 or one above the maximum.
    @inlinable
    public mutating func tag() -> (field: Int, wire: Int)? {
        guard let key = self.varint(), key >> 3 > 0, key >> 3 <= 536_870_911 else { return nil }
        return (Int(key >> 3), Int(key & 7))
    }

    /// A length-delimited field's bytes (a view into ``bytes``), or `nil` when the length runs past the end.
    @inlinable
    public mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
        guard let length = self.varint(), length <= UInt64(self.bytes.count - self.index) else { return nil }
        let start = self.index
        self.index += Int(length)
        return UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
    }

    /// Moves past `count` bytes (a fixed-width field); `false` when fewer remain.
    @inlinable
    public mutating func skip(_ count: Int) -> Bool {
        guard count <= self.bytes.count - self.index else { return false }
        self.index += count
        return true
    }

    /// A length-delimited field as a string, or `nil` when it is truncated or not valid UTF-8.
    @inlinable
    public mutating func string() -> String? {
        guard let field = self.lengthDelimited() else { return nil }
        return String(validating: field.bindMemory(to: UInt8.self), as: UTF8.self)
    }
}
