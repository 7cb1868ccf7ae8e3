import DealProtocol
import DealTLS
import Foundation
import NIOCore

/// Why a call ended without an answer that the caller should see as-is: the server never processed it.
struct DealClientUnprocessedError: Error {
    var reason: String
}

/// Runs one client connection on its event loop: sends HELLO, multiplexes calls over streams, honours flow
/// control and deadlines, and routes every response frame to its call's continuation.
final class DealClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    typealias Continuation = AsyncThrowingStream<ByteBuffer, any Error>.Continuation

    struct PendingOpen {
        var method: DealMethod
        var options: DealCallOptions
        var payloads: [ByteBuffer]
        var endStream: Bool
        var continuation: Continuation
        var promise: EventLoopPromise<UInt32>
    }

    private var machine: DealClientConnectionStateMachine
    private let processor: NIOSingleStepByteToMessageProcessor<DealFrameDecoder>
    private let agent: String
    private let readyPromise: EventLoopPromise<DealClientConnectionStateMachine.ServerSettings>
    private var calls: [UInt32: Continuation] = [:]
    private var deadlines: [UInt32: Scheduled<Void>] = [:]
    private var blockedSenders: [UInt32: EventLoopPromise<Void>] = [:]
    private var pendingOpens: [PendingOpen] = []
    private var context: ChannelHandlerContext?
    private var output: ByteBuffer = ByteBuffer()
    private var inReadBurst = false
    private var failure: (any Error)?
    /// Called once when the connection can take no new calls (GOAWAY, error, close).
    private let onUnusable: @Sendable () -> Void
    private var reportedUnusable = false
    /// Told the `revision` of every answer (PROTOCOL.md "Consistency").
    private let revisionTracker: DealRevisionTracker?

    init(
        agent: String,
        readyPromise: EventLoopPromise<DealClientConnectionStateMachine.ServerSettings>,
        revisionTracker: DealRevisionTracker? = nil,
        onUnusable: @escaping @Sendable () -> Void
    ) {
        self.revisionTracker = revisionTracker
        self.machine = DealClientConnectionStateMachine()
        self.processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder())
        self.agent = agent
        self.readyPromise = readyPromise
        self.onUnusable = onUnusable
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.output = context.channel.allocator.buffer(capacity: 1024)
        if context.channel.isActive {
            self.sendHello()
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.sendHello()
        context.fireChannelActive()
    }

    private var helloSent = false

    private func sendHello() {
        guard !self.helloSent else { return }
        self.helloSent = true
        // The TLS handler holds writes until its handshake completes, so HELLO goes out as the first record.
        do {
            self.enqueue([try self.machine.hello(agent: self.agent)])
            self.flush()
        } catch {
            self.failure = error
            self.context?.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A failure that is already a DealRPCError is passed on as itself, so its cause is not wrapped twice.
        let error: DealRPCError
        switch self.failure {
        case let failure as DealRPCError:
            error = DealRPCError(
                code: failure.code == .ok ? .unavailable : failure.code,
                message: failure.message,
                cause: failure.cause
            )
        case let failure as DealTLSError:
            error = DealRPCError(code: .unavailable, message: "TLS: \(failure.message)", cause: failure)
        case let failure?:
            error = DealRPCError(code: .unavailable, message: "\(failure)", cause: failure)
        case nil:
            error = DealRPCError(code: .unavailable, message: "the connection to the server was lost")
        }
        self.failEverything(error)
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.failure == nil {
            self.failure = error
        }
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let info) = event as? DealTLSEvent,
            info.alpnProtocol != DealProtocolVersion.alpnIdentifier
        {
            self.failure = DealRPCError(
                code: .unavailable,
                message: "the server did not negotiate ALPN \(DealProtocolVersion.alpnIdentifier); is it dealsd?"
            )
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.inReadBurst = true
        do {
            try self.processor.process(buffer: self.unwrapInboundIn(data)) { frame in
                self.apply(self.machine.receive(frame))
            }
        } catch {
            self.failure = DealRPCError(code: .internal, message: "the server sent an invalid frame: \(error)")
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.inReadBurst = false
        self.flush()
        context.fireChannelReadComplete()
    }

    // MARK: Calls (on the event loop)

    /// Opens a stream for a call and sends its HEADERS and first messages; waits for stream capacity if needed.
    func open(_ open: PendingOpen) {
        guard self.context != nil, self.machine.phase != .closed else {
            open.promise.fail(DealRPCError(code: .unavailable, message: "the connection is closed"))
            return
        }
        if case .goingAway = self.machine.phase {
            open.promise.fail(DealClientUnprocessedError(reason: "the server is going away"))
            return
        }
        if !self.machine.canOpenStream {
            self.pendingOpens.append(open)
            return
        }
        guard let id = self.machine.openStream() else {
            open.promise.fail(DealRPCError(code: .resourceExhausted, message: "stream ids are exhausted"))
            return
        }
        if let refusal = open.payloads.lazy.compactMap({
            self.machine.refusal(ofRequest: $0.readableBytes, streamID: id)
        })
        .first {
            // Nothing was sent on the stream: forget it without a CANCEL.
            _ = self.machine.cancel(streamID: id, reason: "")
            open.promise.fail(refusal)
            return
        }
        self.calls[id] = open.continuation
        var headers = Dealstore_V1_CallHeaders()
        headers.method = open.method.path
        if let timeout = open.options.timeout {
            headers.timeoutMicros = UInt64(max(1, timeout.microseconds))
            self.deadlines[id] = self.context?.eventLoop.assumeIsolated().scheduleTask(
                in: .microseconds(max(1, timeout.microseconds))
            ) { [weak self] in
                self?.expire(streamID: id)
            }
        }
        headers.metadata = open.options.metadata.map { entry in
            var metadata = Dealstore_V1_MetadataEntry()
            metadata.key = entry.key
            metadata.value = Data(entry.value)
            return metadata
        }
        var headersFrame: DealFrame
        do {
            headersFrame = try DealFrame(kind: .headers, streamID: id, message: headers)
        } catch {
            // Nothing was sent on the stream: forget it without a CANCEL and fail the call, INTERNAL.
            self.calls[id] = nil
            self.deadlines.removeValue(forKey: id)?.cancel()
            _ = self.machine.cancel(streamID: id, reason: "")
            open.promise.fail(error)
            return
        }
        if open.payloads.isEmpty && open.endStream {
            headersFrame.flags = .endStream
        }
        self.enqueue([headersFrame])
        for (index, payload) in open.payloads.enumerated() {
            let last = index == open.payloads.count - 1 && open.endStream
            self.enqueue(self.machine.send(payload, endStream: last, streamID: id))
        }
        self.flushIfOutsideReadBurst()
        open.promise.succeed(id)
    }

    /// Sends one more request message; the future completes when the window has room for more.
    func send(_ payload: ByteBuffer, endStream: Bool, streamID: UInt32, promise: EventLoopPromise<Void>) {
        guard self.calls[streamID] != nil else {
            promise.fail(DealRPCError(code: .cancelled, message: "the call has ended"))
            return
        }
        if let refusal = self.machine.refusal(ofRequest: payload.readableBytes, streamID: streamID) {
            // Waiting for a window that can never hold the message would hang the call: end it instead.
            if let frame = self.machine.cancel(streamID: streamID, reason: refusal.message) {
                self.enqueue([frame])
                self.flushIfOutsideReadBurst()
            }
            self.finish(streamID, throwing: refusal)
            promise.fail(refusal)
            return
        }
        self.enqueue(self.machine.send(payload, endStream: endStream, streamID: streamID))
        self.flushIfOutsideReadBurst()
        if self.machine.isBlocked(streamID: streamID) {
            self.blockedSenders[streamID] = promise
        } else {
            promise.succeed()
        }
    }

    /// The caller cancelled: tell the server and end the call with CANCELLED.
    func cancel(streamID: UInt32) {
        if let frame = self.machine.cancel(streamID: streamID, reason: "cancelled by the client") {
            self.enqueue([frame])
            self.flushIfOutsideReadBurst()
        }
        self.finish(streamID, throwing: DealRPCError(code: .cancelled, message: "the call was cancelled"))
    }

    private func expire(streamID: UInt32) {
        self.deadlines[streamID] = nil
        if let frame = self.machine.cancel(streamID: streamID, reason: "deadline exceeded") {
            self.enqueue([frame])
            self.flushIfOutsideReadBurst()
        }
        self.finish(streamID, throwing: DealRPCError(code: .deadlineExceeded, message: "the call's deadline expired"))
    }

    // MARK: Frames in

    private func apply(_ action: DealClientConnectionStateMachine.ReceiveAction) {
        switch action {
        case .none:
            break
        case .ready(let settings):
            self.readyPromise.succeed(settings)
        case .write(let frames):
            self.enqueue(frames)
        case .message(let streamID, let payload, let windowUpdate):
            if let windowUpdate {
                self.enqueue([windowUpdate])
            }
            self.calls[streamID]?.yield(payload)
        case .finished(let streamID, let code, let message, let metadata):
            // Before the call is finished: a caller that makes its next call once this one returns sends the
            // revision this answer carried.
            if let tracker = self.revisionTracker {
                tracker.observe(trailers: metadata)
            }
            if code == .ok {
                self.finish(streamID, throwing: nil)
            } else {
                self.finish(streamID, throwing: DealRPCError(code: code, message: message, metadata: metadata))
            }
        case .resume(let streamID, let frames):
            self.enqueue(frames)
            if !self.machine.isBlocked(streamID: streamID) {
                self.blockedSenders.removeValue(forKey: streamID)?.succeed()
            }
        case .goAway(let unprocessed, let code, let reason):
            self.reportUnusable()
            for id in unprocessed {
                self.finish(id, throwing: DealClientUnprocessedError(reason: reason))
            }
            let pending = self.pendingOpens
            self.pendingOpens.removeAll()
            for open in pending {
                open.promise.fail(DealClientUnprocessedError(reason: reason))
            }
            if code != .ok {
                self.failure = DealRPCError(code: code, message: "the server closed the connection: \(reason)")
            }
            self.closeIfIdle()
        case .failStream(let streamID, let code, let message, let cancel):
            self.enqueue([cancel])
            self.finish(streamID, throwing: DealRPCError(code: code, message: message))
        case .closeConnection(let goAway, let code, let reason):
            if let goAway {
                self.enqueue([goAway])
            }
            self.failure = DealRPCError(code: code == .ok ? .unavailable : code, message: reason)
            self.flush()
            self.context?.close(promise: nil)
        }
    }

    private func finish(_ streamID: UInt32, throwing error: (any Error)?) {
        self.deadlines.removeValue(forKey: streamID)?.cancel()
        self.blockedSenders.removeValue(forKey: streamID)?.fail(
            error ?? DealRPCError(code: .internal, message: "the server answered before the requests ended")
        )
        guard let continuation = self.calls.removeValue(forKey: streamID) else { return }
        continuation.finish(throwing: error)
        self.openWaitingCalls()
        self.closeIfIdle()
    }

    private func openWaitingCalls() {
        while self.machine.canOpenStream, !self.pendingOpens.isEmpty {
            self.open(self.pendingOpens.removeFirst())
        }
    }

    private func closeIfIdle() {
        if case .goingAway = self.machine.phase, self.calls.isEmpty {
            self.flush()
            self.context?.close(promise: nil)
        }
    }

    private func reportUnusable() {
        if !self.reportedUnusable {
            self.reportedUnusable = true
            self.onUnusable()
        }
    }

    private func failEverything(_ error: DealRPCError) {
        self.reportUnusable()
        self.readyPromise.fail(error)
        for id in self.machine.closeAll() {
            self.finish(id, throwing: error)
        }
        for (id, _) in self.calls {
            self.finish(id, throwing: error)
        }
        for open in self.pendingOpens {
            open.promise.fail(error)
        }
        self.pendingOpens.removeAll()
    }

    // MARK: Output

    private func enqueue(_ frames: [DealFrame]) {
        for frame in frames {
            frame.write(to: &self.output)
        }
    }

    private func flushIfOutsideReadBurst() {
        if !self.inReadBurst {
            self.flush()
        }
    }

    private func flush() {
        guard let context = self.context, self.output.readableBytes > 0 else { return }
        context.writeAndFlush(self.wrapOutboundOut(self.output), promise: nil)
        self.output = context.channel.allocator.buffer(capacity: 1024)
    }
}
