public import NIOCore

/// A channel handler that runs TLS (OpenSSL over memory BIOs) between the socket and the rest of the pipeline.
///
/// Make one per connection with ``DealTLSContext/makeHandler(serverHostname:)`` inside the channel initializer and
/// add it first (`channel.pipeline.syncOperations.addHandler`). Handlers after it read and write plaintext
/// `ByteBuffer`s. Writes made before the handshake completes are queued. When the handshake completes it fires
/// ``DealTLSEvent/handshakeCompleted(_:)``; every failure is fired as a ``DealTLSError`` through `errorCaught`
/// before the channel closes, including a peer closing without close_notify (``DealTLSError/Code/uncleanShutdown``).
/// Closing the channel sends close_notify first. Not thread-safe: use it only on its channel's event loop.
public final class DealTLSHandler: ChannelDuplexHandler {
    /// Ciphertext from the socket.
    public typealias InboundIn = ByteBuffer
    /// Plaintext for the handlers after this one.
    public typealias InboundOut = ByteBuffer
    /// Plaintext from the handlers after this one.
    public typealias OutboundIn = ByteBuffer
    /// Ciphertext for the socket.
    public typealias OutboundOut = ByteBuffer

    /// Large writes are encrypted and sent in pieces of this size so memory stays bounded and linear.
    private static let writeChunkSize = 256 * 1024

    private var stateMachine = DealTLSConnectionStateMachine()
    private let connection: OpenSSLConnection
    private let handshakeTimeout: TimeAmount
    private var handshakeTimeoutTask: Scheduled<Void>?
    /// Plaintext writes not yet encrypted; the first `flushedWriteCount` of them have been flushed.
    private var pendingWrites = CircularBuffer<(buffer: ByteBuffer, promise: EventLoopPromise<Void>?)>()
    private var flushedWriteCount = 0
    /// Plaintext decrypted during the current read burst, handed on at channelReadComplete.
    private var receivedPlaintext: ByteBuffer?
    private var closeFuture: EventLoopFuture<Void>?
    private var isFlushingWrites = false
    private var hasUnflushedCiphertext = false

    /// What the handshake negotiated, once it has completed; read it on the channel's event loop.
    public private(set) var handshakeInfo: DealTLSHandshakeInfo?

    init(connection: OpenSSLConnection, handshakeTimeout: TimeAmount) {
        self.connection = connection
        self.handshakeTimeout = handshakeTimeout
    }

    // MARK: Lifecycle

    /// Starts the handshake if the channel is already active.
    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.perform(self.stateMachine.channelActive(), context: context)
        }
    }

    /// Cancels the handshake timeout and fails queued writes.
    public func handlerRemoved(context: ChannelHandlerContext) {
        self.handshakeTimeoutTask?.cancel()
        self.handshakeTimeoutTask = nil
        self.failPendingWrites(with: ChannelError.ioOnClosedChannel)
    }

    /// Starts the handshake (a client sends its ClientHello) and the handshake timeout.
    public func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        self.perform(self.stateMachine.channelActive(), context: context)
    }

    /// Reports a close without close_notify, or during the handshake, as a ``DealTLSError``.
    public func channelInactive(context: ChannelHandlerContext) {
        self.handshakeTimeoutTask?.cancel()
        self.handshakeTimeoutTask = nil
        self.deliverReceivedPlaintext(context: context)
        self.perform(self.stateMachine.channelInactive(), context: context)
    }

    // MARK: Inbound

    /// Feeds ciphertext to OpenSSL and advances the handshake or decrypts.
    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        switch self.stateMachine.state {
        case .handshaking:
            self.connection.feed(buffer)
            self.driveHandshake(context: context)
        case .active:
            self.connection.feed(buffer)
            self.decrypt(context: context)
        case .idle, .closing, .closed:
            // After close_notify or a failure nothing the peer sends matters.
            break
        }
    }

    /// Hands on everything decrypted during this read burst as one buffer.
    public func channelReadComplete(context: ChannelHandlerContext) {
        self.deliverReceivedPlaintext(context: context)
        context.fireChannelReadComplete()
    }

    // MARK: Outbound

    /// Queues plaintext; it is encrypted on flush, after the handshake has completed.
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.stateMachine.state {
        case .idle, .handshaking, .active:
            self.pendingWrites.append((Self.unwrapOutboundIn(data), promise))
        case .closing, .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    /// Encrypts the flushed writes and sends the ciphertext.
    public func flush(context: ChannelHandlerContext) {
        self.flushedWriteCount = self.pendingWrites.count
        if self.stateMachine.isActive {
            self.encryptFlushedWrites(context: context)
        }
    }

    /// Sends close_notify (after the flushed writes) before closing the channel.
    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all else {
            context.close(mode: mode, promise: promise)
            return
        }
        if self.stateMachine.isActive {
            // Whatever the application flushed goes out before close_notify.
            self.encryptFlushedWrites(context: context)
        }
        self.perform(self.stateMachine.closeRequested(), context: context, closePromise: promise)
    }

    // MARK: Driving OpenSSL

    private func driveHandshake(context: ChannelHandlerContext) {
        let step: DealTLSConnectionStateMachine.HandshakeStep
        switch self.connection.doHandshake() {
        case .completed:
            step = .completed
        case .wantMoreData:
            step = .wantMoreData
        case .failed(let error):
            step = .failed(error)
        }
        self.perform(self.stateMachine.handshakeStepped(step), context: context)
    }

    private func decrypt(context: ChannelHandlerContext) {
        var buffer =
            self.receivedPlaintext
            ?? context.channel.allocator.buffer(capacity: max(self.connection.pendingInputEstimate, 1024))
        let result = self.connection.read(into: &buffer)
        self.receivedPlaintext = buffer
        // Reading can produce output too: KeyUpdate answers and TLS 1.3 post-handshake messages.
        self.writeCiphertext(context: context, promise: nil, flush: true)
        switch result {
        case .wantMoreData:
            break
        case .closeNotify:
            self.deliverReceivedPlaintext(context: context)
            context.fireUserInboundEventTriggered(DealTLSEvent.closeNotifyReceived)
            self.perform(self.stateMachine.closeNotifyReceived(), context: context)
        case .failed(let error):
            self.deliverReceivedPlaintext(context: context)
            self.perform(self.stateMachine.ioFailed(error), context: context)
        }
    }

    private func deliverReceivedPlaintext(context: ChannelHandlerContext) {
        guard let buffer = self.receivedPlaintext else {
            return
        }
        self.receivedPlaintext = nil
        if buffer.readableBytes > 0 {
            context.fireChannelRead(Self.wrapInboundOut(buffer))
        }
    }

    private func encryptFlushedWrites(context: ChannelHandlerContext) {
        // A write promise's callback may write and flush again; the outer loop picks those writes up.
        guard !self.isFlushingWrites else {
            return
        }
        self.isFlushingWrites = true
        defer { self.isFlushingWrites = false }

        var promiseForCiphertext: EventLoopPromise<Void>? = nil
        while self.flushedWriteCount > 0, self.stateMachine.isActive {
            var (buffer, promise) = self.pendingWrites.removeFirst()
            self.flushedWriteCount -= 1
            while buffer.readableBytes > 0 {
                let chunk = min(buffer.readableBytes, Self.writeChunkSize)
                let error = buffer.withUnsafeReadableBytes { bytes in
                    self.connection.write(UnsafeRawBufferPointer(rebasing: bytes.prefix(chunk)))
                }
                if let error {
                    promise?.fail(error)
                    promiseForCiphertext?.fail(error)
                    self.perform(self.stateMachine.ioFailed(error), context: context)
                    return
                }
                buffer.moveReaderIndex(forwardBy: chunk)
                if self.connection.pendingCiphertextCount >= Self.writeChunkSize {
                    self.writeCiphertext(context: context, promise: nil, flush: false)
                }
            }
            if let promise {
                if let combined = promiseForCiphertext {
                    combined.futureResult.cascade(to: promise)
                } else {
                    promiseForCiphertext = promise
                }
            }
        }
        if let promiseForCiphertext, self.connection.pendingCiphertextCount == 0 {
            // Zero-byte writes produce no ciphertext; an empty write keeps promise order intact.
            context.write(
                Self.wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)),
                promise: promiseForCiphertext
            )
            self.hasUnflushedCiphertext = false
            context.flush()
        } else {
            self.writeCiphertext(context: context, promise: promiseForCiphertext, flush: true)
        }
    }

    private func writeCiphertext(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?, flush: Bool) {
        if let ciphertext = self.connection.takeCiphertext(allocator: context.channel.allocator) {
            context.write(Self.wrapOutboundOut(ciphertext), promise: promise)
            self.hasUnflushedCiphertext = true
        } else {
            promise?.succeed()
        }
        // Earlier unflushed pieces of a large write must go out even when this call found nothing new.
        if flush && self.hasUnflushedCiphertext {
            self.hasUnflushedCiphertext = false
            context.flush()
        }
    }

    private func failPendingWrites(with error: any Error) {
        let writes = self.pendingWrites
        self.pendingWrites.removeAll()
        self.flushedWriteCount = 0
        for write in writes {
            write.promise?.fail(error)
        }
    }

    // MARK: Actions

    private func perform(
        _ action: DealTLSConnectionStateMachine.Action,
        context: ChannelHandlerContext,
        closePromise: EventLoopPromise<Void>? = nil
    ) {
        switch action {
        case .none:
            closePromise?.succeed()
        case .startHandshake:
            let timeout = self.handshakeTimeout
            self.handshakeTimeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                self.perform(self.stateMachine.handshakeTimedOut(after: Self.describe(timeout)), context: context)
            }
            self.driveHandshake(context: context)
        case .flushCiphertext:
            self.writeCiphertext(context: context, promise: nil, flush: true)
        case .completeHandshake:
            self.handshakeTimeoutTask?.cancel()
            self.handshakeTimeoutTask = nil
            // The client's Finished, or the server's session tickets.
            self.writeCiphertext(context: context, promise: nil, flush: true)
            let info = self.connection.handshakeInfo()
            self.handshakeInfo = info
            context.fireUserInboundEventTriggered(DealTLSEvent.handshakeCompleted(info))
            // Application data can arrive in the same read as the handshake's last flight.
            self.decrypt(context: context)
            if self.stateMachine.isActive {
                self.encryptFlushedWrites(context: context)
            }
        case .failAndClose(let error):
            self.handshakeTimeoutTask?.cancel()
            self.handshakeTimeoutTask = nil
            // The alert telling the peer why, if OpenSSL produced one.
            self.writeCiphertext(context: context, promise: nil, flush: true)
            self.failPendingWrites(with: error)
            context.fireErrorCaught(error)
            context.close(mode: .all, promise: closePromise)
        case .sendCloseNotifyAndClose:
            self.handshakeTimeoutTask?.cancel()
            self.handshakeTimeoutTask = nil
            self.failPendingWrites(with: ChannelError.ioOnClosedChannel)
            self.connection.shutdown()
            let written = context.eventLoop.makePromise(of: Void.self)
            self.writeCiphertext(context: context, promise: written, flush: true)
            let closed = context.eventLoop.makePromise(of: Void.self)
            self.closeFuture = closed.futureResult
            if let closePromise {
                closed.futureResult.cascade(to: closePromise)
            }
            if context.channel.isWritable {
                written.futureResult.assumeIsolated().whenComplete { _ in
                    context.close(mode: .all, promise: closed)
                }
            } else {
                // The peer is not reading (its buffers are full): close_notify would wait behind everything queued,
                // possibly forever, so the connection closes now and the queued writes fail.
                context.close(mode: .all, promise: closed)
            }
        case .closeWithoutCloseNotify:
            self.handshakeTimeoutTask?.cancel()
            self.handshakeTimeoutTask = nil
            self.failPendingWrites(with: ChannelError.ioOnClosedChannel)
            context.close(mode: .all, promise: closePromise)
        case .joinPendingClose:
            if let closePromise {
                if let closeFuture = self.closeFuture {
                    closeFuture.cascade(to: closePromise)
                } else {
                    closePromise.succeed()
                }
            }
        case .reportErrorAndForwardInactive(let error):
            self.failPendingWrites(with: error)
            context.fireErrorCaught(error)
            context.fireChannelInactive()
        case .forwardInactive:
            self.failPendingWrites(with: ChannelError.ioOnClosedChannel)
            context.fireChannelInactive()
        }
    }

    private static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
