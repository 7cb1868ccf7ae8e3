import NIOCore

/// One call's request bytes, encoded once before the run: a HEADERS frame and a MESSAGE frame with END_STREAM.
///
/// Issuing a call copies these bytes into the connection's output buffer and patches the two stream ids in place
/// (and, for creates, a unique deal id), so the load loop never encodes protobuf or allocates per call.
struct DealBenchCallTemplate: Sendable {
    /// HEADERS then MESSAGE, with stream id 0 as a placeholder.
    let bytes: ByteBuffer
    /// Where the MESSAGE frame starts within ``bytes``.
    let messageFrameOffset: Int
    /// Where 16 lower-case hex digits of a unique number go (a created deal's id), if the call needs one.
    let uniqueDigitsOffset: Int?
    /// Which operation of the mix the call belongs to.
    let operation: DealBenchOperation

    /// The offset of the stream id within a frame: after length (4), type, flags and reserved (4).
    static let streamIDOffset = 8

    /// Copies the call into `buffer` as stream `streamID`, writing `unique` into the id placeholder if there is one.
    func write(to buffer: inout ByteBuffer, streamID: UInt32, unique: UInt64) {
        let start = buffer.writerIndex
        buffer.writeImmutableBuffer(self.bytes)
        buffer.setInteger(streamID, at: start + Self.streamIDOffset)
        buffer.setInteger(streamID, at: start + self.messageFrameOffset + Self.streamIDOffset)
        if let offset = self.uniqueDigitsOffset {
            Self.writeHexDigits(unique, to: &buffer, at: start + offset)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func writeHexDigits(_ value: UInt64, to buffer: inout ByteBuffer, at index: Int) {
        var value = value
        var position = index + 15
        while position >= index {
            buffer.setInteger(Self.hexDigits[Int(value & 0xF)], at: position)
            value >>= 4
            position -= 1
        }
    }
}
