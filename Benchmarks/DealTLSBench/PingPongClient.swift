import DealTLS
import NIOCore

/// Sends one message, waits for its echo, repeats until the duration is over.
final class PingPongClient: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let message: ByteBuffer
    private let duration: TimeAmount
    private let startsOnHandshake: Bool
    private let done: EventLoopPromise<(Int, Duration)>
    private var pending = 0
    private var count = 0
    private var start = ContinuousClock.now
    private var deadline = NIODeadline.now()

    init(messageSize: Int, duration: TimeAmount, startsOnHandshake: Bool, done: EventLoopPromise<(Int, Duration)>) {
        self.message = ByteBuffer(repeating: 0x42, count: messageSize)
        self.duration = duration
        self.startsOnHandshake = startsOnHandshake
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if !self.startsOnHandshake {
            self.begin(context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? DealTLSEvent {
            self.begin(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func begin(context: ChannelHandlerContext) {
        self.start = ContinuousClock.now
        self.deadline = .now() + self.duration
        self.send(context: context)
    }

    private func send(context: ChannelHandlerContext) {
        self.pending = self.message.readableBytes
        context.writeAndFlush(Self.wrapOutboundOut(self.message), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.pending -= Self.unwrapInboundIn(data).readableBytes
        guard self.pending <= 0 else {
            return
        }
        self.count += 1
        // Checking the clock every 256 round trips keeps its cost out of the figure.
        if self.count % 256 == 0 && NIODeadline.now() >= self.deadline {
            self.done.succeed((self.count, ContinuousClock.now - self.start))
        } else {
            self.send(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.done.fail(error)
        context.close(promise: nil)
    }
}
