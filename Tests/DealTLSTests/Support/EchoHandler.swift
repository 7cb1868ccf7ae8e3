import DealTLS
import NIOCore
import Synchronization

/// Writes back whatever it reads; optionally closes (cleanly) once it has echoed `closeAfterBytes`.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let closeAfterBytes: Int?
    private var echoed = 0

    init(closeAfterBytes: Int? = nil) {
        self.closeAfterBytes = closeAfterBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        self.echoed += buffer.readableBytes
        context.write(Self.wrapOutboundOut(buffer), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        if let limit = self.closeAfterBytes, self.echoed >= limit {
            context.close(promise: nil)
        }
    }
}
