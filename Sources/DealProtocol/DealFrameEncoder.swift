public import NIOCore

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
        Self.writeHeader(
            kind: self.kind,
            flags: self.flags,
            streamID: self.streamID,
            payloadLength: self.payload.readableBytes,
            to: &buffer
        )
        buffer.writeImmutableBuffer(self.payload)
    }

    /// Appends a frame's 12-byte header; the caller appends exactly `payloadLength` payload bytes after it.
    ///
    /// Lets a sender copy a payload it already holds (stored bytes, a template) straight behind the header, with
    /// no ``DealFrame`` and no intermediate buffer.
    public static func writeHeader(
        kind: Kind,
        flags: Flags = [],
        streamID: UInt32,
        payloadLength: Int,
        to buffer: inout ByteBuffer
    ) {
        // One 12-byte write: the length, then type, flags and reserved packed big-endian, then the stream id.
        buffer.writeMultipleIntegers(
            UInt32(DealFrame.headerLengthAfterLengthField + payloadLength),
            kind.rawValue,
            flags.rawValue,
            UInt16(0),
            streamID
        )
    }
}
