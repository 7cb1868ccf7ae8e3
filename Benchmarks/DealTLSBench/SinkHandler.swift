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
