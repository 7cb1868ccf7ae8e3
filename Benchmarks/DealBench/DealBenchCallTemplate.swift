import NIOCore

/// One call's request bytes, encoded once before the run: a HEADERS frame and a MESSAGE frame with END_STREAM,
/// stored at ``offset`` in the workload's arena (one buffer holding every template, for locality).
///
/// Issuing a call copies these bytes into the connection's output buffer and patches the two stream ids in place
/// (and, for creates, a unique deal id), so the load loop never encodes protobuf or allocates per call.
struct DealBenchCallTemplate: Sendable {
    /// Where the template starts in the arena.
    let offset: Int
    /// HEADERS then MESSAGE, with stream id 0 as a placeholder.
    let length: Int
    /// Where the MESSAGE frame starts within the template.
    let messageFrameOffset: Int
    /// Where 16 lower-case hex digits of a unique number go (a created deal's id), or -1.
    let uniqueDigitsOffset: Int

    /// The offset of the stream id within a frame: after length (4), type, flags and reserved (4).
    static let streamIDOffset = 8

    /// Copies the call from `arena` into `buffer` as stream `streamID`, writing `unique` into the id placeholder if
    /// there is one.
    func write(from arena: UnsafeRawBufferPointer, to buffer: inout ByteBuffer, streamID: UInt32, unique: UInt64) {
        let start = buffer.writerIndex
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: arena[self.offset..<(self.offset + self.length)]))
        buffer.setInteger(streamID, at: start + Self.streamIDOffset)
        buffer.setInteger(streamID, at: start + self.messageFrameOffset + Self.streamIDOffset)
        if self.uniqueDigitsOffset >= 0 {
            Self.writeHexDigits(unique, to: &buffer, at: start + self.uniqueDigitsOffset)
        }
    }

    private static func writeHexDigits(_ value: UInt64, to buffer: inout ByteBuffer, at index: Int) {
        var value = value
        var position = index + 15
        while position >= index {
            let digit = UInt8(truncatingIfNeeded: value & 0xF)
            buffer.setInteger(digit < 10 ? digit + UInt8(ascii: "0") : digit - 10 + UInt8(ascii: "a"), at: position)
            value >>= 4
            position -= 1
        }
    }
}
