import NIOCore
import SwiftProtobuf

/// A `ByteBuffer` seen as SwiftProtobuf's bag of bytes, so messages decode from frame payloads in place and
/// encode straight into a buffer the channel can write, with no intermediate `[UInt8]`.
///
/// A wrapper rather than a conformance of `ByteBuffer` itself: retroactive conformances of one package's type to
/// another's protocol can clash with a second module doing the same.
struct DealProtobufBytes: SwiftProtobufContiguousBytes {
    var buffer: ByteBuffer

    init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    init(repeating: UInt8, count: Int) {
        self.buffer = ByteBuffer(repeating: repeating, count: count)
    }

    init<S: Sequence>(_ sequence: S) where S.Element == UInt8 {
        self.buffer = ByteBuffer(bytes: sequence)
    }

    var count: Int {
        self.buffer.readableBytes
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try self.buffer.withUnsafeReadableBytes(body)
    }

    mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try self.buffer.withUnsafeMutableReadableBytes(body)
    }
}
