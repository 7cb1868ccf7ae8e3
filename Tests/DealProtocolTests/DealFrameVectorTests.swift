import DealProtocol
import NIOCore
import NIOEmbedded
import SwiftProtobuf
import Testing

@Suite("Protocol/vectors")
struct DealFrameVectorTests {
    static let valid = ProtocolVector.load("valid")
    static let malformed = ProtocolVector.load("malformed")

    @Test("the vector folders are populated")
    func vectorsExist() {
        #expect(Self.valid.count >= 9)
        #expect(Self.malformed.count >= 5)
        #expect(Self.malformed.allSatisfy { $0.expectedError != nil })
    }

    @Test("valid vectors decode frame by frame and re-encode byte for byte", arguments: Self.valid)
    func roundTrip(vector: ProtocolVector) throws {
        let frames = try Self.decodeAll(vector.bytes)
        #expect(frames.count == vector.frames.count)
        for (frame, expected) in zip(frames, vector.frames) {
            var out = ByteBuffer()
            frame.write(to: &out)
            #expect(Array(out.readableBytesView) == expected)
            #expect(frame.encodedLength == expected.count)
        }
    }

    @Test("valid vectors decode when the bytes arrive one at a time", arguments: Self.valid)
    func byteAtATime(vector: ProtocolVector) throws {
        let processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder())
        var frames: [DealFrame] = []
        for byte in vector.bytes {
            try processor.process(buffer: ByteBuffer(bytes: [byte])) { frames.append($0) }
        }
        try processor.finishProcessing(seenEOF: true) { frames.append($0) }
        #expect(frames == (try Self.decodeAll(vector.bytes)))
    }

    @Test("each valid payload is the protobuf message its frame type names", arguments: Self.valid)
    func payloadsDecode(vector: ProtocolVector) throws {
        for frame in try Self.decodeAll(vector.bytes) {
            let reencoded: ByteBuffer
            switch frame.kind {
            case .hello: reencoded = try DealFrame.encode(try frame.decodePayload(as: Dealstore_V1_Hello.self))
            case .headers: reencoded = try DealFrame.encode(try frame.decodePayload(as: Dealstore_V1_CallHeaders.self))
            case .trailers: reencoded = try DealFrame.encode(try frame.decodePayload(as: Dealstore_V1_Trailers.self))
            case .cancel: reencoded = try DealFrame.encode(try frame.decodePayload(as: Dealstore_V1_Cancel.self))
            case .ping, .pong: reencoded = try DealFrame.encode(try frame.decodePayload(as: Dealstore_V1_Ping.self))
            case .goAway: reencoded = try DealFrame.encode(try frame.decodePayload(as: Dealstore_V1_GoAway.self))
            case .windowUpdate:
                reencoded = try DealFrame.encode(try frame.decodePayload(as: Dealstore_V1_WindowUpdate.self))
            default: reencoded = frame.payload
            }
            #expect(reencoded == frame.payload, "\(frame.kind) payload re-encodes differently")
        }
    }

    @Test("the unary request vector carries the method, deadline and token")
    func unaryRequestContents() throws {
        let vector = try #require(Self.valid.first { $0.name == "unary-get-deal-request" })
        let frames = try Self.decodeAll(vector.bytes)
        #expect(frames.map(\.kind) == [.headers, .message])
        #expect(frames.map(\.streamID) == [1, 1])
        #expect(frames.map(\.isEndStream) == [false, true])
        let headers: Dealstore_V1_CallHeaders = try frames[0].decodePayload()
        #expect(headers.method == DealMethod.getDeal.path)
        #expect(headers.timeoutMicros == 5_000_000)
        let token = headers.metadata.first { $0.key == "authorization" }
        #expect(token.map { String(decoding: $0.value, as: UTF8.self) } == "Bearer dst_0123456789abcdef")
        let request: Dealstore_V1_GetDealRequest = try frames[1].decodePayload()
        #expect(request.id == "google-anthropic-2023-10")
    }

    @Test("the HELLO vectors negotiate version 1")
    func helloContents() throws {
        let client: Dealstore_V1_Hello = try Self.decodeAll(
            try #require(Self.valid.first { $0.name == "hello-client" }).bytes
        )[0].decodePayload()
        let server: Dealstore_V1_Hello = try Self.decodeAll(
            try #require(Self.valid.first { $0.name == "hello-server" }).bytes
        )[0].decodePayload()
        #expect(client.minVersion == 1 && client.maxVersion == 1 && client.agent == "deals/0.1.0")
        #expect(server.minVersion == server.maxVersion && server.maxConcurrentStreams == 100)
    }

    @Test("malformed vectors fail with the documented error", arguments: Self.malformed)
    func malformedFails(vector: ProtocolVector) throws {
        let expected = try #require(vector.expectedError)
        let maximum = vector.maximumFrameSize ?? DealFrame.defaultMaximumPayloadSize
        let processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder(maximumPayloadSize: maximum))
        var frames: [DealFrame] = []
        let error = #expect(throws: DealFrameError.self) {
            try processor.process(buffer: ByteBuffer(bytes: vector.bytes)) { frames.append($0) }
            try processor.finishProcessing(seenEOF: true) { frames.append($0) }
        }
        #expect(error?.code.name == expected)
        #expect(frames.isEmpty)
    }

    @Test("an oversized frame is refused from its header, before its payload is buffered")
    func oversizedRefusedEarly() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(8 + 1025))
        buffer.writeBytes([0x03, 0, 0, 0, 0, 0, 0, 1])
        var decoder = DealFrameDecoder(maximumPayloadSize: 1024)
        let error = #expect(throws: DealFrameError.self) { _ = try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.statusCode == .resourceExhausted)
    }

    @Test("unknown frame types on a call's stream are passed on for the receiver to ignore")
    func unknownTypeOnStream() throws {
        let frames = try Self.decodeAll([0, 0, 0, 9, 0x2A, 0, 0, 0, 0, 0, 0, 3, 0xFF])
        #expect(frames.count == 1)
        #expect(frames[0].kind.isKnown == false)
        #expect(frames[0].streamID == 3)
    }

    @Test("the codec works as channel handlers")
    func embeddedChannel() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(DealFrameDecoder()), MessageToByteHandler(DealFrameEncoder()),
        ])
        let vector = try #require(Self.valid.first { $0.name == "ping-pong" })
        try channel.writeInbound(ByteBuffer(bytes: vector.bytes))
        let ping = try #require(try channel.readInbound(as: DealFrame.self))
        let pong = try #require(try channel.readInbound(as: DealFrame.self))
        #expect(ping.kind == .ping && pong.kind == .pong)
        try channel.writeOutbound(ping)
        try channel.writeOutbound(pong)
        var written = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) {
            written.writeBuffer(&part)
        }
        #expect(Array(written.readableBytesView) == vector.bytes)
        #expect(try channel.finish().isClean)
    }

    @Test("a truncated frame at channel close is reported as an error")
    func embeddedTruncation() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DealFrameDecoder()))
        try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 20, 3, 0, 0, 0]))
        #expect(throws: DealFrameError.self) { _ = try channel.finish() }
    }

    static func decodeAll(_ bytes: [UInt8]) throws -> [DealFrame] {
        let processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder())
        var frames: [DealFrame] = []
        try processor.process(buffer: ByteBuffer(bytes: bytes)) { frames.append($0) }
        try processor.finishProcessing(seenEOF: true) { frames.append($0) }
        return frames
    }
}
