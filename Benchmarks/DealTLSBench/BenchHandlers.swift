import DealTLS
import NIOCore

/// Counts bytes and answers each completed round with one byte.
final class SinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let roundBytes: Int
    private var received = 0

    init(roundBytes: Int) {
        self.roundBytes = roundBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.received += Self.unwrapInboundIn(data).readableBytes
        while self.received >= self.roundBytes {
            self.received -= self.roundBytes
            context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: [1])), promise: nil)
        }
    }
}

/// Writes data back as it arrives.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

/// Sends rounds of 1 MiB writes (one shared buffer, so no copies on our side) and waits for each acknowledgement.
final class BulkWriter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let rounds: Int
    private let roundBytes: Int
    private let startsOnHandshake: Bool
    private let done: EventLoopPromise<(Duration, String)>
    private var completedRounds = 0
    private var start = ContinuousClock.now
    private var cipher = "none (plain TCP)"
    private let chunk = ByteBuffer(repeating: 0x5A, count: 1 << 20)

    init(rounds: Int, roundBytes: Int, startsOnHandshake: Bool, done: EventLoopPromise<(Duration, String)>) {
        self.rounds = rounds
        self.roundBytes = roundBytes
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
        if case .handshakeCompleted(let info) = event as? DealTLSEvent {
            self.cipher = info.cipher + " " + info.protocolVersion
            self.begin(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func begin(context: ChannelHandlerContext) {
        self.start = ContinuousClock.now
        self.writeRound(context: context)
    }

    private func writeRound(context: ChannelHandlerContext) {
        var remaining = self.roundBytes
        while remaining > 0 {
            let size = min(remaining, self.chunk.readableBytes)
            context.write(Self.wrapOutboundOut(self.chunk.getSlice(at: 0, length: size)!), promise: nil)
            remaining -= size
        }
        context.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.completedRounds += Self.unwrapInboundIn(data).readableBytes
        if self.completedRounds >= self.rounds {
            self.done.succeed((ContinuousClock.now - self.start, self.cipher))
        } else {
            self.writeRound(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.done.fail(error)
        context.close(promise: nil)
    }
}

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
