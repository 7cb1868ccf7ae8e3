import DealTLS
import NIOCore
import Synchronization

/// Records TLS events, errors and plaintext into a ``ConnectionLog`` and passes reads on.
final class ConnectionObserver: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let log: ConnectionLog
    private let keepBytes: Bool

    init(log: ConnectionLog, keepBytes: Bool = true) {
        self.log = log
        self.keepBytes = keepBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        self.log.append(buffer, keep: self.keepBytes)
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? DealTLSEvent {
        case .handshakeCompleted(let info):
            self.log.update { $0.handshake = info }
        case .closeNotifyReceived:
            self.log.update { $0.closeNotifyReceived = true }
        case nil:
            break
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.log.update { $0.errors.append(error) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.log.update { $0.inactive = true }
        context.fireChannelInactive()
    }
}
