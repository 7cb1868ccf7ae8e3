public import NIOCore
public import SwiftProtobuf

extension DealFrame {
    /// Creates a frame whose payload is `message` in protobuf binary encoding.
    ///
    /// - Throws: ``DealRPCError`` with ``DealStatusCode/internal`` if the message cannot be encoded (a message
    ///   with unset required fields; generated proto3 messages always encode).
    public init(
        kind: Kind,
        flags: Flags = [],
        streamID: UInt32,
        message: some SwiftProtobuf.Message
    ) throws(DealRPCError) {
        self.init(kind: kind, flags: flags, streamID: streamID, payload: try Self.encode(message))
    }

    /// Decodes the payload as a protobuf message of type `M`.
    ///
    /// - Throws: ``DealRPCError`` with `errorCode` (``DealStatusCode/invalidArgument`` by default) naming the
    ///   frame and the expected message when the payload is not a valid encoding.
    public func decodePayload<M: SwiftProtobuf.Message>(
        as type: M.Type = M.self,
        errorCode: DealStatusCode = .invalidArgument
    ) throws(DealRPCError) -> M {
        try Self.decode(type, from: self.payload, what: "\(self.kind) payload", errorCode: errorCode)
    }

    /// Encodes a protobuf message into a new buffer.
    public static func encode(_ message: some SwiftProtobuf.Message) throws(DealRPCError) -> ByteBuffer {
        do {
            let bytes: DealProtobufBytes = try message.serializedBytes()
            return bytes.buffer
        } catch {
            throw DealRPCError(
                code: .internal,
                message: "cannot encode \(type(of: message).protoMessageName): \(error)",
                cause: error
            )
        }
    }

    /// Decodes a protobuf message from a buffer without copying it.
    ///
    /// `what` names the payload in the error message; it is evaluated only on failure, so a hot path can pass an
    /// interpolated string without paying for it on every frame.
    public static func decode<M: SwiftProtobuf.Message>(
        _ type: M.Type,
        from buffer: ByteBuffer,
        what: @autoclosure () -> String = "message",
        errorCode: DealStatusCode = .invalidArgument
    ) throws(DealRPCError) -> M {
        do {
            return try M(serializedBytes: DealProtobufBytes(buffer))
        } catch {
            throw DealRPCError(
                code: errorCode,
                message: "\(what()) of \(buffer.readableBytes) bytes is not a valid \(M.protoMessageName): \(error)",
                cause: error
            )
        }
    }
}
