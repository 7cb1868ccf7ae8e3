import DealProtocol
import Foundation
import NIOCore
import SwiftProtobuf
import Testing

@Suite("Frame factories shared by client and server")
struct DealFrameFactoryTests {
    @Test("a message that cannot be encoded throws INTERNAL naming it, instead of yielding an empty frame")
    func unencodableMessageThrows() {
        // proto2 required fields left unset: the one way a generated message fails to encode.
        let unencodable = Google_Protobuf_UninterpretedOption.NamePart()
        let error = #expect(throws: DealRPCError.self) {
            _ = try DealFrame(kind: .hello, streamID: 0, message: unencodable)
        }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("NamePart") == true)
    }

    @Test("a message that encodes becomes the frame's payload")
    func encodableMessage() throws {
        var update = Dealstore_V1_WindowUpdate()
        update.increment = 4_096
        let frame = try DealFrame(kind: .windowUpdate, streamID: 7, message: update)
        #expect(frame.kind == .windowUpdate)
        #expect(frame.streamID == 7)
        #expect(try frame.decodePayload(as: Dealstore_V1_WindowUpdate.self) == update)
    }

    @Test("trailers carry the status, message and metadata, and end the stream")
    func trailers() throws {
        var entry = Dealstore_V1_MetadataEntry()
        entry.key = "revision"
        entry.value = Data("42".utf8)
        let frame = DealFrame.trailers(streamID: 3, code: .notFound, message: "no deal d-1", metadata: [entry])
        #expect(frame.kind == .trailers)
        #expect(frame.isEndStream)
        let trailers = try frame.decodePayload(as: Dealstore_V1_Trailers.self)
        #expect(trailers.code == DealStatusCode.notFound.rawValue)
        #expect(trailers.message == "no deal d-1")
        #expect(trailers.metadata == [entry])
    }

    @Test("INTERNAL trailers written by hand decode as SwiftProtobuf's Trailers, cut to 1,024 bytes")
    func internalTrailers() throws {
        let frame = DealFrame.internalTrailers(streamID: 5, reason: "cannot encode: é")
        #expect(frame.isEndStream)
        #expect(frame.streamID == 5)
        let trailers = try frame.decodePayload(as: Dealstore_V1_Trailers.self)
        #expect(trailers.code == DealStatusCode.internal.rawValue)
        #expect(trailers.message == "cannot encode: é")
        var expected = Dealstore_V1_Trailers()
        expected.code = DealStatusCode.internal.rawValue
        expected.message = "cannot encode: é"
        let bytes: [UInt8] = try expected.serializedBytes()
        #expect(Array(frame.payload.readableBytesView) == bytes, "byte for byte SwiftProtobuf's encoding")

        let long = DealFrame.internalTrailers(streamID: 5, reason: String(repeating: "é", count: 1_000))
        let cut = try long.decodePayload(as: Dealstore_V1_Trailers.self)
        #expect(cut.code == DealStatusCode.internal.rawValue)
        #expect(cut.message.utf8.count == 1_024)
        #expect(cut.message == String(repeating: "é", count: 512))
    }

    @Test("writeDealVarint writes DealModel's varint and says how many bytes")
    func byteBufferVarint() {
        var buffer = ByteBuffer()
        #expect(buffer.writeDealVarint(300) == 2)
        #expect(buffer.writeDealVarint(.max) == 10)
        #expect(Array(buffer.readableBytesView.prefix(2)) == [0xAC, 0x02])
        #expect(buffer.readableBytes == 12)
    }
}
