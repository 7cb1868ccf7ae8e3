import DealModel
import NIOCore
import SwiftProtobuf

extension DealFrame {
    /// TRAILERS (with END_STREAM) ending stream `streamID` with `code`, `message` and `metadata`.
    ///
    /// The one place client and server build trailers from a status. Encoding can fail only in theory (proto3
    /// messages always encode); if it does, the stream still ends, with ``internalTrailers(streamID:reason:)``
    /// naming the failure. Never with an empty payload: an empty `Trailers` decodes as OK, so the peer would take
    /// a failed call for a successful one.
    public static func trailers(
        streamID: UInt32,
        code: DealStatusCode,
        message: String,
        metadata: [Dealstore_V1_MetadataEntry] = []
    ) -> DealFrame {
        var trailers = Dealstore_V1_Trailers()
        trailers.code = code.rawValue
        trailers.message = message
        trailers.metadata = metadata
        do {
            return try DealFrame(kind: .trailers, flags: .endStream, streamID: streamID, message: trailers)
        } catch {
            return Self.internalTrailers(
                streamID: streamID,
                reason: "the \(code) status of this call could not be encoded (\(error.message)); retry the call"
            )
        }
    }

    /// INTERNAL TRAILERS (with END_STREAM) saying `reason`, written by hand so that they cannot fail to encode.
    ///
    /// What a stream ends with when the frame it should have carried could not be encoded. `reason` is cut to
    /// 1,024 UTF-8 bytes at a character boundary.
    public static func internalTrailers(streamID: UInt32, reason: String) -> DealFrame {
        var cut = Substring(reason)
        while cut.utf8.count > 1_024 { cut.removeLast() }
        var payload = ByteBuffer()
        payload.reserveCapacity(2 + DealVarint.maxSize + cut.utf8.count)
        payload.writeInteger(UInt8(0x08))  // Trailers.code = 1, varint
        payload.writeDealVarint(UInt64(bitPattern: Int64(DealStatusCode.internal.rawValue)))
        if !cut.isEmpty {
            payload.writeInteger(UInt8(0x12))  // Trailers.message = 2, length-delimited
            payload.writeDealVarint(UInt64(cut.utf8.count))
            payload.writeString(String(cut))
        }
        return DealFrame(kind: .trailers, flags: .endStream, streamID: streamID, payload: payload)
    }
}
