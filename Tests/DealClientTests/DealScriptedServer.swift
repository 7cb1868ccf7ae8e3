import DealProtocol
import DealTLS
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A minimal DealStore server whose answers a test scripts, to drive the client into GOAWAY, drops and silence.
///
/// It speaks real TLS (development CA generated per test) and real frames; `respond` decides, per connection and
/// per received frame, which frames to send back and whether to close.
final class DealScriptedServer: Sendable {
    struct Reply: Sendable {
        var frames: [DealFrame] = []
        var close = false
    }

    typealias Script = @Sendable (_ connection: Int, _ frame: DealFrame) -> Reply

    let channel: any Channel
    let caFile: String
    let directory: String
    /// Every frame received, with the index of the connection it came on.
    let received = Mutex<[(connection: Int, frame: DealFrame)]>([])

    var port: Int { self.channel.localAddress?.port ?? 0 }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let index: Int
        let server: DealScriptedServer
        let script: Script
        let processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder())

        init(index: Int, server: DealScriptedServer, script: @escaping Script) {
            self.index = index
            self.server = server
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var frames: [DealFrame] = []
            try? self.processor.process(buffer: Self.unwrapInboundIn(data)) { frames.append($0) }
            for frame in frames {
                self.server.received.withLock { $0.append((self.index, frame)) }
                let reply = self.script(self.index, frame)
                var out = ByteBuffer()
                for frame in reply.frames { frame.write(to: &out) }
                if out.readableBytes > 0 {
                    context.writeAndFlush(Self.wrapOutboundOut(out), promise: nil)
                }
                if reply.close {
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    private init(channel: any Channel, caFile: String, directory: String) {
        self.channel = channel
        self.caFile = caFile
        self.directory = directory
    }

    static func start(script: @escaping Script) async throws -> DealScriptedServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scripted-\(UUID())").path
        let files = try DealDevelopmentCA.create(in: directory)
        let context = try DealTLSContext(
            configuration: .server(
                certificateChainFile: files.serverCertificateFile,
                privateKeyFile: files.serverPrivateKeyFile
            )
        )
        let counter = Counter()
        let holder = Holder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let server = holder.server.withLock({ $0 }) else { return }
                    let index = counter.value.add(1, ordering: .relaxed).newValue
                    try channel.pipeline.syncOperations.addHandler(try context.makeHandler())
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(index: index, server: server, script: script)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = DealScriptedServer(channel: channel, caFile: files.caCertificateFile, directory: directory)
        holder.server.withLock { $0 = server }
        return server
    }

    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    private final class Holder: Sendable {
        let server = Mutex<DealScriptedServer?>(nil)
    }

    func stop() {
        self.channel.close(promise: nil)
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    func frames(ofKind kind: DealFrame.Kind) -> [(connection: Int, frame: DealFrame)] {
        self.received.withLock { $0.filter { $0.frame.kind == kind } }
    }

    // MARK: Canned frames

    static func hello() -> DealFrame {
        var hello = Dealstore_V1_Hello()
        hello.minVersion = 1
        hello.maxVersion = 1
        hello.agent = "scripted"
        return try! DealFrame(kind: .hello, streamID: 0, message: hello)
    }

    static func ok(_ streamID: UInt32, response: Dealstore_V1_ServerInfo) -> [DealFrame] {
        [
            try! DealFrame(kind: .message, streamID: streamID, message: response),
            DealFrame(kind: .trailers, flags: .endStream, streamID: streamID),
        ]
    }

    static func goAway(lastStreamID: UInt32) -> DealFrame {
        var goAway = Dealstore_V1_GoAway()
        goAway.lastStreamID = lastStreamID
        goAway.reason = "scripted shutdown"
        return try! DealFrame(kind: .goAway, streamID: 0, message: goAway)
    }
}
