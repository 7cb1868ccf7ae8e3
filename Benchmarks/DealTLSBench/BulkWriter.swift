import DealTLS
import NIOCore

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
