public import NIOCore

/// Splits a byte stream into ``DealFrame``s.
///
/// The declared length is checked against ``maximumPayloadSize`` as soon as the 12-byte header is readable, so a
/// peer cannot make the receiver buffer more than it announced; nothing is allocated for the declared length up
/// front, and no input makes it trap. Use it in a pipeline with `ByteToMessageHandler`, or drive it with
/// `NIOSingleStepByteToMessageProcessor`.
public struct DealFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = DealFrame

    /// The largest payload accepted: the value this side announced in its HELLO.
    public var maximumPayloadSize: Int

    /// Creates a decoder that accepts payloads up to `maximumPayloadSize` bytes (default 4 MiB).
    public init(maximumPayloadSize: Int = DealFrame.defaultMaximumPayloadSize) {
        self.maximumPayloadSize = min(maximumPayloadSize, DealFrame.absoluteMaximumPayloadSize)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> DealFrame? {
        guard let header = try self.peekHeader(buffer) else {
            return nil
        }
        guard buffer.readableBytes >= DealFrame.headerLength + header.payloadLength else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: DealFrame.headerLength)
        // readSlice shares storage with the read buffer: no copy of the payload.
        let payload = buffer.readSlice(length: header.payloadLength)!
        return DealFrame(
            kind: header.kind,
            flags: DealFrame.Flags(rawValue: header.flags),
            streamID: header.streamID,
            payload: payload
        )
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> DealFrame? {
        if let frame = try self.decode(buffer: &buffer) {
            return frame
        }
        if seenEOF && buffer.readableBytes > 0 {
            throw DealFrameError(
                code: .truncatedFrame,
                message: "the connection ended after \(buffer.readableBytes) bytes of an incomplete frame"
            )
        }
        return nil
    }

    private struct Header {
        var payloadLength: Int
        var kind: DealFrame.Kind
        var flags: UInt8
        var streamID: UInt32
    }

    /// Validates the header without consuming it; `nil` while fewer than 12 bytes are readable.
    private func peekHeader(_ buffer: ByteBuffer) throws -> Header? {
        // The length alone can already be judged: reject early so a bad peer is told at once.
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            return nil
        }
        if length & 0xC000_0000 != 0 {
            throw DealFrameError(
                code: .reservedLengthBits,
                message: "frame length 0x\(String(length, radix: 16)) has its reserved top two bits set"
            )
        }
        if length < UInt32(DealFrame.headerLengthAfterLengthField) {
            throw DealFrameError(
                code: .frameTooShort,
                message: "frame length \(length) is below the minimum of 8 (type, flags, reserved, stream id)"
            )
        }
        let payloadLength = Int(length) - DealFrame.headerLengthAfterLengthField
        if payloadLength > self.maximumPayloadSize {
            throw DealFrameError(
                code: .frameTooLarge,
                message: "frame payload of \(payloadLength) bytes exceeds the maximum of \(self.maximumPayloadSize)"
            )
        }
        guard buffer.readableBytes >= DealFrame.headerLength,
            let kindByte = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self),
            let flags = buffer.getInteger(at: buffer.readerIndex + 5, as: UInt8.self),
            let streamID = buffer.getInteger(at: buffer.readerIndex + 8, as: UInt32.self)
        else {
            return nil
        }
        let kind = DealFrame.Kind(rawValue: kindByte)
        if streamID == 0 && !kind.isKnown {
            throw DealFrameError(
                code: .unknownConnectionFrame,
                message: "frame type \(kind) is not defined and is not allowed on stream 0"
            )
        }
        return Header(payloadLength: payloadLength, kind: kind, flags: flags, streamID: streamID)
    }
}
