import NIOCore

/// Writes ``DealFrame``s as bytes: the outbound half of the frame codec.
///
/// Use it in a pipeline with `MessageToByteHandler`, or call ``DealFrame/write(to:)`` directly to batch many
/// frames into one buffer.
public struct DealFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = DealFrame

    /// Creates an encoder.
    public init() {}

    public func encode(data: DealFrame, out: inout ByteBuffer) throws {
        data.write(to: &out)
    }
}

extension DealFrame {
    /// The number of bytes the frame occupies on the wire.
    public var encodedLength: Int {
        DealFrame.headerLength + self.payload.readableBytes
    }

    /// Appends the frame's wire form to `buffer`.
    ///
    /// The caller keeps payloads within the peer's announced maximum; an oversized frame is the sender's bug.
    public func write(to buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: self.encodedLength)
        buffer.writeInteger(UInt32(DealFrame.headerLengthAfterLengthField + self.payload.readableBytes))
        buffer.writeInteger(self.kind.rawValue)
        buffer.writeInteger(self.flags.rawValue)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(self.streamID)
        buffer.writeImmutableBuffer(self.payload)
    }
}
