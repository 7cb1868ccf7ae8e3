import DealProtocol
import DealStore
import DealTLS
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import DealServer

/// ``DealServerConnectionHandler`` on an `EmbeddedChannel`: frames in, frames out, and the loop's clock advanced by
/// hand, so the handler's one timer and its flow control are checked without sockets or waiting.
@Suite("Server connection handler on an embedded channel")
struct DealServerConnectionHandlerEmbeddedTests {
    /// A handler over a real store in a temporary directory, with Health/Check callable anonymously.
    static func withChannel(
        limits: DealConnectionLimits,
        _ body: (EmbeddedChannel, EmbeddedEventLoop) throws -> Void
    ) async throws {
        try await Self.withChannel(limits: limits) { channel, loop, _ in try body(channel, loop) }
    }

    /// ``withChannel(limits:_:)`` that also hands the body the store, with `anonymousMethods` callable without a
    /// token (the revision tests add GetDeal).
    static func withChannel(
        limits: DealConnectionLimits = DealConnectionLimits(),
        anonymousMethods: Set<String> = [DealMethod.healthCheck.path],
        _ body: (EmbeddedChannel, EmbeddedEventLoop, DealStore) throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealhandler-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let store = try await DealStore.open(directory: directory, logger: logger)
        let router = DealServerRouter(
            store: store,
            authorizer: DealAuthorizer(
                tokens: [],
                certificateRoles: [:],
                anonymousMethods: anonymousMethods
            ),
            runner: DealServerTaskRunner(),
            serverVersion: "test",
            tlsLibraryVersion: "test"
        )
        let loop = EmbeddedEventLoop()
        let handler = DealServerConnectionHandler(
            limits: limits,
            agent: "dealsd/test",
            router: router,
            observer: DealServerConnectionObserver(),
            budget: DealServerBudget(limits: limits),
            logger: logger
        )
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7443)).get()
        try body(channel, loop, store)
        _ = try? channel.finish()
        try await store.close()
    }

    static func write(_ frames: [DealFrame], to channel: EmbeddedChannel) throws {
        var buffer = ByteBuffer()
        for frame in frames {
            frame.write(to: &buffer)
        }
        try channel.writeInbound(buffer)
    }

    /// Every frame the handler has written so far.
    static func written(_ channel: EmbeddedChannel) throws -> [DealFrame] {
        var bytes = ByteBuffer()
        while var chunk = try channel.readOutbound(as: ByteBuffer.self) {
            bytes.writeBuffer(&chunk)
        }
        let processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder())
        var frames: [DealFrame] = []
        try processor.process(buffer: bytes) { frames.append($0) }
        return frames
    }

    static func hello() throws -> DealFrame {
        var hello = Dealstore_V1_Hello()
        hello.minVersion = 1
        hello.maxVersion = 1
        return try DealFrame(kind: .hello, streamID: 0, message: hello)
    }

    static func healthCheckHeaders(_ id: UInt32) throws -> DealFrame {
        var headers = Dealstore_V1_CallHeaders()
        headers.method = DealMethod.healthCheck.path
        return try DealFrame(kind: .headers, streamID: id, message: headers)
    }

    static func code(_ frame: DealFrame) throws -> DealStatusCode {
        DealStatusCode(rawValue: try frame.decodePayload(as: Dealstore_V1_Trailers.self).code)
    }

    /// A Health/Check request of about `bytes` bytes: one long `service` string, a single field.
    static func largeHealthCheck(bytes: Int) -> Dealstore_V1_HealthCheckRequest {
        var request = Dealstore_V1_HealthCheckRequest()
        request.service = String(repeating: "a", count: bytes - 8)
        return request
    }

    @Test("a request held without END_STREAM earns no WINDOW_UPDATE and is ended when the request-body timeout passes")
    func heldRequestTimesOut() async throws {
        var limits = DealConnectionLimits()
        limits.requestBodyTimeout = .seconds(10)
        try await Self.withChannel(limits: limits) { channel, loop in
            try Self.write([try Self.hello()], to: channel)
            #expect(try Self.written(channel).map(\.kind) == [.hello])
            try Self.write(
                [
                    try Self.healthCheckHeaders(1),
                    try DealFrame(kind: .message, streamID: 1, message: Self.largeHealthCheck(bytes: 3 << 20)),
                ],
                to: channel
            )
            // Three quarters of the window arrived, but the call has not consumed it: no credit comes back.
            #expect(try Self.written(channel).isEmpty)
            loop.advanceTime(by: .seconds(9))
            #expect(try Self.written(channel).isEmpty)
            loop.advanceTime(by: .seconds(2))
            let frames = try Self.written(channel)
            let trailers = try #require(frames.first { $0.kind == .trailers && $0.streamID == 1 })
            #expect(try Self.code(trailers) == .resourceExhausted)
            // The connection lives on and serves a complete request.
            try Self.write(
                [try Self.healthCheckHeaders(3), DealFrame(kind: .message, flags: .endStream, streamID: 3)],
                to: channel
            )
            let answer = try Self.written(channel)
            #expect(answer.map(\.kind) == [.message, .trailers])
            #expect(try answer.last.map(Self.code) == .ok)
        }
    }

    @Test("answers to calls pipelined in one read stop at the output cap: the rest end RESOURCE_EXHAUSTED")
    func pipelinedAnswersStopAtTheOutputCap() async throws {
        var limits = DealConnectionLimits()
        limits.maximumOutputBuffer = 256
        try await Self.withChannel(limits: limits) { channel, _ in
            try Self.write([try Self.hello()], to: channel)
            _ = try Self.written(channel)
            var calls: [DealFrame] = []
            for index in 0..<100 {
                let id = UInt32(2 * index + 1)
                calls.append(try Self.healthCheckHeaders(id))
                calls.append(DealFrame(kind: .message, flags: .endStream, streamID: id))
            }
            // One read: every answer is produced before the burst's one flush.
            try Self.write(calls, to: channel)
            let frames = try Self.written(channel)
            let trailers = frames.filter { $0.kind == .trailers }
            #expect(trailers.count == 100)
            let refused = try trailers.filter { try Self.code($0) == .resourceExhausted }
            let answered = frames.filter { $0.kind == .message }
            #expect(!refused.isEmpty)
            #expect(answered.count + refused.count == 100)
            let answeredBytes = answered.reduce(0) { $0 + DealFrame.headerLength + $1.payload.readableBytes }
            #expect(answeredBytes <= limits.maximumOutputBuffer)
            let message = try #require(refused.first).decodePayload(as: Dealstore_V1_Trailers.self).message
            #expect(message.contains("limits.max_output_buffer_mb"))
        }
    }

    @Test("after the TLS handshake, no HELLO within the HELLO timeout gets GOAWAY DEADLINE_EXCEEDED and a close")
    func helloTimeout() async throws {
        var limits = DealConnectionLimits()
        limits.helloTimeout = .seconds(5)
        try await Self.withChannel(limits: limits) { channel, loop in
            let info = DealTLSHandshakeInfo(
                alpnProtocol: "dealstore/1",
                protocolVersion: "TLSv1.3",
                cipher: "TLS_AES_128_GCM_SHA256",
                peerIdentity: nil
            )
            channel.pipeline.fireUserInboundEventTriggered(DealTLSEvent.handshakeCompleted(info))
            loop.advanceTime(by: .seconds(4))
            #expect(channel.isActive)
            loop.advanceTime(by: .seconds(1))
            let frames = try Self.written(channel)
            let goAway = try #require(frames.first { $0.kind == .goAway })
            let message = try goAway.decodePayload(as: Dealstore_V1_GoAway.self)
            #expect(DealStatusCode(rawValue: message.code) == .deadlineExceeded)
            #expect(!channel.isActive)
        }
    }
}
