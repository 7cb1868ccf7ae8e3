import DealProtocol
import DealTLS
import DealTestSupport
import NIOCore
import NIOPosix
import SwiftProtobuf
import Synchronization

/// A deliberately dumb peer for protocol tests: sends exactly the bytes it is told to, over TLS or plain TCP, and
/// records every byte the server sends until the server closes.
final class DealRawConnection: Sendable {
    let channel: any Channel
    private let received: Received

    final class Received: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: Received

        init(received: Received) {
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data)
            self.received.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    private init(channel: any Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    /// Connects to the harness; `tls: false` speaks plain TCP to the TLS port; `source` is the local address to
    /// connect from (any of 127.0.0.0/8 works on loopback).
    static func connect(
        port: Int,
        caFile: String,
        tls: Bool = true,
        autoRead: Bool = true,
        source: String? = nil
    ) async throws
        -> DealRawConnection
    {
        let received = Received()
        let context = try DealTLSContext(configuration: .client(trustRootsFile: caFile))
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0))
        }
        let channel =
            try await bootstrap
            .channelOption(.autoRead, value: autoRead)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try context.makeHandler(serverHostname: "localhost")
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return DealRawConnection(channel: channel, received: received)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func send(_ frames: [DealFrame]) async throws {
        var buffer = ByteBuffer()
        for frame in frames {
            frame.write(to: &buffer)
        }
        try await self.channel.writeAndFlush(buffer)
    }

    func sendHello() async throws {
        var hello = Dealstore_V1_Hello()
        hello.minVersion = 1
        hello.maxVersion = 1
        try await self.send([DealFrame(kind: .hello, streamID: 0, message: hello)])
    }

    /// Waits until the server closes the connection, up to `timeout`; returns whether it did.
    func waitForClose(timeout: Duration = .seconds(10)) async -> Bool {
        await DealWait.eventually(timeout: timeout) { !self.channel.isActive }
    }

    /// Waits until at least `count` frames have arrived, up to `timeout`.
    func waitForFrames(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [DealFrame] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let frames = try self.frames()
            if frames.count >= count || !self.channel.isActive {
                return frames
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try self.frames()
    }

    /// Every complete frame received so far.
    func frames() throws -> [DealFrame] {
        let bytes = self.received.bytes.withLock { $0 }
        let processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder())
        var frames: [DealFrame] = []
        try processor.process(buffer: ByteBuffer(bytes: bytes)) { frames.append($0) }
        return frames
    }

    /// The GOAWAY the server sent, if any.
    func goAway() throws -> Dealstore_V1_GoAway? {
        try self.frames().first { $0.kind == .goAway }.map { try $0.decodePayload() }
    }

    func close() {
        self.channel.close(promise: nil)
    }
}
