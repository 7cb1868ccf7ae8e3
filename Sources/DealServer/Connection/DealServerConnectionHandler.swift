import DealProtocol
import DealStore
import DealTLS
import Logging
import NIOCore

/// Runs one client connection: decodes frames, drives ``DealServerConnectionStateMachine``, starts calls through
/// the router, and writes their answers in batches (one flush per read burst, so many small responses fill few
/// TLS records).
///
/// Sits behind the TLS handler; everything here runs on the connection's event loop.
final class DealServerConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var machine: DealServerConnectionStateMachine
    private let processor: NIOSingleStepByteToMessageProcessor<DealFrameDecoder>
    private let router: DealServerRouter
    private let observer: DealServerConnectionObserver
    private var logger: Logger
    private var calls: [UInt32: ActiveCall] = [:]
    /// The one timer for every deadline the machine keeps (HELLO, call deadlines, request-body timeouts), armed
    /// for ``DealServerConnectionStateMachine/nextTimerDeadline``.
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    /// Bytes handed to the frame decoder that it has not returned as frames yet (a partial frame).
    private var undecodedBytes = 0
    /// Output last counted in the server-wide budget.
    private var countedOutputBytes = 0
    private var idleTimer: Scheduled<Void>?
    /// When the connection last became idle (no open stream); `nil` while a stream is open.
    private var idleSince: NIODeadline?
    private var drainTimer: Scheduled<Void>?
    /// Armed while the channel is unwritable: closes the connection if the client still reads nothing when it fires.
    private var stallTimer: Scheduled<Void>?
    /// Set when a stream asked to write and was told to wait for the channel (not for its flow-control window).
    private var streamsPaused = false
    private var resumingStreams = false
    /// Unwritten output (here and in the channel) past which streams pause; well under the output cap.
    private var highWaterMark: Int { max(min(self.machine.limits.maximumOutputBuffer / 2, 1 << 20), 2) }
    private var context: ChannelHandlerContext?
    private var output: ByteBuffer
    private var inReadBurst = false
    /// Set while a commit batch's completions answer calls here (see ``DealServerLoopCompletions``): their
    /// answers go out in one flush at the batch's end, as a read burst's do.
    private var flushesHeld = false
    private var peer: DealServerPeer
    private var authorizationCache = DealAuthorizationCache()
    /// This connection's calls waiting for a `min-revision`, bounded like its other resources.
    private let revisionWaits = DealRevisionWaitCounter()
    private var callMetrics: DealServerCallMetrics

    init(
        limits: DealConnectionLimits,
        agent: String,
        router: DealServerRouter,
        observer: DealServerConnectionObserver,
        budget: DealServerBudget,
        logger: Logger
    ) {
        self.machine = DealServerConnectionStateMachine(limits: limits, agent: agent, budget: budget)
        self.processor = NIOSingleStepByteToMessageProcessor(
            DealFrameDecoder(maximumPayloadSize: limits.maximumFrameSize)
        )
        self.router = router
        self.observer = observer
        self.callMetrics = DealServerCallMetrics(observer: observer)
        self.logger = logger
        self.output = ByteBuffer()
        self.peer = DealServerPeer(address: "unknown", identity: nil)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.output = context.channel.allocator.buffer(capacity: 4096)
        self.peer.address = context.channel.remoteAddress.map { "\($0)" } ?? "unknown"
        self.logger[metadataKey: "peer"] = "\(self.peer.address)"
        // Backpressure: streams pause while the channel holds more unwritten output than the high mark, and resume
        // when it drains below the low one (channelWritabilityChanged). The marks stay well under the output cap,
        // so a client that reads, however slowly, is never cut off; only output that is not paused (unary answers,
        // control frames) can take a client that does not read past the cap (flushOutput).
        do {
            try context.channel.syncOptions?.setOption(
                ChannelOptions.writeBufferWaterMark,
                value: ChannelOptions.Types.WriteBufferWaterMark(low: self.highWaterMark / 2, high: self.highWaterMark)
            )
        } catch {
            self.logger.warning("cannot set the write-buffer water marks", metadata: ["error": "\(error)"])
        }
        self.armIdleTimer()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.idleTimer?.cancel()
        self.drainTimer?.cancel()
        self.stallTimer?.cancel()
        self.timer?.cancel()
        self.timer = nil
        for id in self.machine.closeAll() {
            self.endCall(id, code: .cancelled)?.cancel()
        }
        for (id, _) in self.calls {
            self.endCall(id, code: .cancelled)?.cancel()
        }
        _ = self.machine.budget.updateOutputBytes(from: self.countedOutputBytes, to: 0)
        self.countedOutputBytes = 0
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let info) = event as? DealTLSEvent {
            self.peer.identity = info.peerIdentity
            // From here the client has the HELLO timeout to speak: a peer that only completes the handshake
            // holds its connection for seconds, not for the idle timeout.
            self.machine.transportReady(now: context.eventLoop.now)
            self.armTimer()
        }
        if event is DealServerShutdownEvent {
            self.beginGracefulShutdown()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data)
        self.inReadBurst = true
        self.undecodedBytes += bytes.readableBytes
        do {
            try self.processor.process(buffer: bytes) { frame in
                self.undecodedBytes -= DealFrame.headerLength + frame.payload.readableBytes
                self.handle(frame)
            }
        } catch let error as DealFrameError {
            self.apply(self.machine.fail(code: error.statusCode, message: error.message))
            return
        } catch {
            self.apply(self.machine.fail(code: .internal, message: "\(error)"))
            return
        }
        // A partial frame waits in the decoder: it counts against the server-wide request budget.
        self.apply(self.machine.partialFrame(bytes: max(0, self.undecodedBytes)))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.inReadBurst = false
        self.armTimer()
        self.flushOutput()
        context.fireChannelReadComplete()
    }

    /// Resumes paused streams when the client has read enough; when it stops reading, starts the stall clock.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.stallTimer?.cancel()
            self.stallTimer = nil
            self.countOutput()
            self.resumePausedStreams()
        } else if self.stallTimer == nil, let timeout = self.machine.limits.idleTimeout {
            // Paused streams keep a connection from going idle: a client that reads nothing for as long as the
            // idle timeout is treated as gone.
            self.stallTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
                [weak self] in
                guard let self, let context = self.context, !context.channel.isWritable else { return }
                self.closeForNotReading(context: context, reason: "it read nothing for the idle timeout")
            }
        }
        context.fireChannelWritabilityChanged()
    }

    /// Lets paused streams write again while the channel takes more; each round's output leaves in one flush.
    private func resumePausedStreams() {
        guard !self.resumingStreams else { return }
        self.resumingStreams = true
        defer { self.resumingStreams = false }
        while self.streamsPaused, let context = self.context, context.channel.isWritable,
            self.output.readableBytes < self.highWaterMark
        {
            self.streamsPaused = false
            let held = self.holdFlushes()
            for streamID in self.calls.keys.sorted() where self.machine.isWritable(streamID: streamID) {
                self.calls[streamID]?.call.writable()
            }
            if held { self.releaseFlushes() }
            // Inside a read burst the output waits for channelReadComplete, which resumes again after its flush.
            if self.inReadBurst { return }
        }
    }

    private func closeForNotReading(context: ChannelHandlerContext, reason: String) {
        self.logger.warning(
            "closing connection: client is not reading",
            metadata: ["reason": "\(reason)", "buffered_bytes_limit": "\(self.machine.limits.maximumOutputBuffer)"]
        )
        self.output.clear()
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Frames in

    private func handle(_ frame: DealFrame) {
        // The loop's clock, which the timer runs on too (an embedded loop's in tests).
        let action = self.machine.receive(frame, now: self.context?.eventLoop.now ?? .now())
        self.apply(action)
    }

    private func apply(_ action: DealServerConnectionStateMachine.ReceiveAction) {
        switch action {
        case .none:
            break
        case .write(let frames):
            self.enqueue(frames)
        case .startCall(let streamID, let method, let headers, let endStream):
            self.startCall(streamID: streamID, method: method, headers: headers, requestOpen: !endStream)
            if endStream {
                self.calls[streamID]?.call.endRequests()
            }
        case .deliver(let streamID, var message, let endStream):
            guard let active = self.calls[streamID] else { break }
            let streamed = active.method.kind == .clientStreaming
            if !endStream && !streamed {
                // Kept by the call until the request ends: an exact copy, so the held bytes are what the budget
                // counts, not the decoder's whole buffer the slice would pin.
                message = ByteBuffer(bytes: message.readableBytesView)
            }
            active.call.receive(message, endStream: endStream)
            if streamed && !endStream, let update = self.machine.consumed(streamID: streamID) {
                // A client-streaming call decodes each message as it arrives: the window comes back now.
                self.enqueue([update])
            }
        case .endRequests(let streamID):
            self.calls[streamID]?.call.endRequests()
        case .cancelCall(let streamID):
            self.endCall(streamID, code: .cancelled)?.cancel()
        case .resume(let streamID, let frames):
            self.enqueue(frames)
            if self.machine.isWritable(streamID: streamID) {
                self.calls[streamID]?.call.writable()
            } else if frames.last?.kind == .trailers {
                self.endCall(streamID, code: self.calls[streamID]?.finalCode)
            }
            self.flushIfOutsideReadBurst()
        case .failStream(let streamID, let trailers, let cancelHandler):
            self.enqueue([trailers])
            let code = (try? trailers.decodePayload(as: Dealstore_V1_Trailers.self)).map {
                DealStatusCode(rawValue: $0.code)
            }
            let call = self.endCall(streamID, code: code)
            if cancelHandler {
                call?.cancel()
            }
        case .closeConnection(let goAway, let code, let reason):
            self.logger.notice("closing connection", metadata: ["code": "\(code)", "reason": "\(reason)"])
            if let goAway {
                self.enqueue([goAway])
            }
            self.flushAndClose()
        }
    }

    private func startCall(
        streamID: UInt32,
        method: DealMethod,
        headers: Dealstore_V1_CallHeaders,
        requestOpen: Bool
    ) {
        guard let context = self.context else { return }
        // Not cancelled: an armed idle timer checks idleSince when it fires (see armIdleTimer).
        self.idleSince = nil
        let writer = DealServerCallWriter(
            eventLoop: context.eventLoop,
            connection: NIOLoopBound(self, eventLoop: context.eventLoop),
            streamID: streamID
        )
        let callContext = DealServerCallContext(
            streamID: streamID,
            method: method,
            headers: headers,
            peer: self.peer,
            startedAt: .now(),
            logger: self.logger
        )
        self.observer.callStarted()
        self.calls[streamID] = ActiveCall(
            call: DealServerPendingCall(),
            method: method,
            startedAt: callContext.startedAt,
            requestID: callContext.requestID
        )
        let call = self.router.makeCall(
            context: callContext,
            writer: writer,
            requestOpen: requestOpen,
            authorizationCache: &self.authorizationCache,
            revisionWaits: self.revisionWaits
        )
        // The router may have answered at once (an auth failure): only a call still open keeps its handler.
        if let call, self.calls[streamID] != nil {
            self.calls[streamID]?.call = call
        }
    }

    /// Arms the one timer for the machine's next deadline, unless it is armed for that moment or earlier.
    private func armTimer() {
        guard let context = self.context, let next = self.machine.nextTimerDeadline else { return }
        if let armed = self.timerDeadline, armed <= next { return }
        self.timer?.cancel()
        self.timerDeadline = next
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.timerDeadline = nil
            self.timerFired()
        }
    }

    private func timerFired() {
        guard let context = self.context else { return }
        for expiry in self.machine.expireTimers(now: context.eventLoop.now) {
            switch expiry {
            case .connection(let action):
                self.apply(action)
            case .stream(let streamID, let code, let action):
                let call = self.calls[streamID]?.call
                self.applySend(action, streamID: streamID, code: code)
                call?.cancel()
            }
        }
        self.armTimer()
        self.flushIfOutsideReadBurst()
    }

    // MARK: Frames out (called by DealServerCallWriter on the loop)

    func isWritable(streamID: UInt32) -> Bool {
        guard self.machine.isWritable(streamID: streamID) else { return false }
        guard let context = self.context, context.channel.isWritable, self.output.readableBytes < self.highWaterMark
        else {
            if !self.streamsPaused { self.observer.streamsPaused() }
            self.streamsPaused = true
            return false
        }
        return true
    }

    func send(_ message: ByteBuffer, streamID: UInt32) {
        let action = self.machine.send(message: message, streamID: streamID)
        switch action {
        case .write(let frames, _) where frames.last?.kind == .trailers,
            .writeAndClose(let frames) where frames.last?.kind == .trailers:
            // The machine refused the response (too large for the client, or over the output cap) and ended the
            // call: its handler must stop producing.
            let call = self.calls[streamID]?.call
            self.applySend(action, streamID: streamID, code: .resourceExhausted)
            call?.cancel()
        default:
            self.applySend(action, streamID: streamID, code: nil)
        }
        self.flushIfOutsideReadBurst()
    }

    /// A unary answer: MESSAGE and an OK TRAILERS written straight into the output buffer when the window allows
    /// (always, for answers below the 4 MiB initial window), so the common case builds no frames and no arrays.
    /// The TRAILERS carry `revision`, the store revision the answer was served at.
    func respond(_ payload: ByteBuffer, streamID: UInt32, revision: UInt64) {
        self.respond(payloadLength: payload.readableBytes, streamID: streamID, revision: revision) {
            $0.writeImmutableBuffer(payload)
        } slow: {
            payload
        }
    }

    /// ``respond(_:streamID:revision:)-(ByteBuffer,_,_)`` for serialized bytes held as an array (the store's
    /// records).
    func respond(_ payload: [UInt8], streamID: UInt32, revision: UInt64) {
        self.respond(payloadLength: payload.count, streamID: streamID, revision: revision) {
            $0.writeBytes(payload)
        } slow: {
            ByteBuffer(bytes: payload)
        }
    }

    private func respond(
        payloadLength: Int,
        streamID: UInt32,
        revision: UInt64,
        write: (inout ByteBuffer) -> Void,
        slow: () -> ByteBuffer
    ) {
        let socket = (try? self.context?.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
        let unwritten = self.output.readableBytes.addingReportingOverflow(socket)
        switch self.machine.answerUnary(
            streamID: streamID,
            messageSize: payloadLength,
            unwrittenBytes: unwritten.overflow ? Int.max : unwritten.partialValue
        ) {
        case .drop:
            return
        case .refuse(let message):
            self.finish(streamID: streamID, code: .resourceExhausted, message: message)
        case .queue:
            // Flow control or queued output: the general path keeps the order and the window right.
            self.send(slow(), streamID: streamID)
            self.finish(streamID: streamID, code: .ok, message: "", metadata: [Self.revisionEntry(revision)])
        case .write(let close):
            let trailersLength = DealFrame.revisionTrailersPayloadLength(revision: revision)
            self.output.reserveCapacity(
                minimumWritableBytes: 2 * DealFrame.headerLength + payloadLength + trailersLength
            )
            DealFrame.writeHeader(kind: .message, streamID: streamID, payloadLength: payloadLength, to: &self.output)
            write(&self.output)
            // TRAILERS OK with no message and only the revision, written by hand (no Trailers message built).
            DealFrame.writeHeader(
                kind: .trailers,
                flags: .endStream,
                streamID: streamID,
                payloadLength: trailersLength,
                to: &self.output
            )
            DealFrame.writeRevisionTrailersPayload(revision: revision, to: &self.output)
            self.endCall(streamID, code: .ok)
            if close {
                self.flushAndClose()
            } else {
                self.flushIfOutsideReadBurst()
            }
        }
    }

    /// Ends a call with a status. TRAILERS always carry `revision`: when the caller names none (errors, refusals,
    /// a drained watch), the store's published revision now, which the node has reached (PROTOCOL.md
    /// "Consistency").
    func finish(streamID: UInt32, code: DealStatusCode, message: String, metadata: [DealMetadataEntry] = []) {
        var metadata = metadata
        if !metadata.contains(where: { $0.key == DealProtocolVersion.revisionMetadataKey }) {
            metadata.append(Self.revisionEntry(self.router.store.revision))
        }
        self.applySend(
            self.machine.finish(streamID: streamID, code: code, message: message, metadata: metadata),
            streamID: streamID,
            code: code
        )
        self.flushIfOutsideReadBurst()
    }

    static func revisionEntry(_ revision: UInt64) -> DealMetadataEntry {
        DealMetadataEntry(key: DealProtocolVersion.revisionMetadataKey, text: String(revision))
    }

    private func applySend(
        _ action: DealServerConnectionStateMachine.SendAction,
        streamID: UInt32,
        code: DealStatusCode?
    ) {
        switch action {
        case .drop:
            break
        case .write(let frames, _):
            self.enqueue(frames)
            if frames.last?.kind == .trailers {
                self.endCall(streamID, code: code)
            } else if frames.isEmpty, let code {
                // Trailers wait behind flow control: remember the status for the log line.
                self.calls[streamID]?.finalCode = code
            }
        case .writeAndClose(let frames):
            self.enqueue(frames)
            self.endCall(streamID, code: code)
            self.flushAndClose()
        }
    }

    /// Forgets a call, logs its one line and counts it; returns its handler so the caller can cancel it.
    @discardableResult
    private func endCall(_ streamID: UInt32, code: DealStatusCode?) -> (any DealServerCall)? {
        guard let active = self.calls.removeValue(forKey: streamID) else {
            return nil
        }
        let code = code ?? active.finalCode ?? .unknown
        let duration = NIODeadline.now() - active.startedAt
        self.callMetrics.callEnded(method: active.method, code: code, duration: duration)
        // One line per call, as the daemon promises, with the fields as `key=value` in the message rather than as
        // metadata: building and sorting a five-entry metadata dictionary per call was a quarter of the server's
        // instructions for a GetDeal. Built only when info is enabled.
        if self.logger.logLevel <= .info {
            var line = "call duration_us="
            line.reserveCapacity(160)
            line += String(duration.nanoseconds / 1000)
            line += " method="
            line += active.method.path
            line += " request_id="
            line += active.requestID ?? "-"
            line += " status="
            line += code.name
            line += " stream="
            line += String(streamID)
            // An explicit source: otherwise swift-log derives it from #fileID (a string search) for every line.
            self.logger.info(Logger.Message(stringLiteral: line), source: "DealServer")
        }
        if self.machine.openStreamCount == 0 {
            self.armIdleTimer()
        }
        return active.call
    }

    private func enqueue(_ frames: [DealFrame]) {
        for frame in frames {
            frame.write(to: &self.output)
        }
    }

    private func flushIfOutsideReadBurst() {
        if !self.inReadBurst && !self.flushesHeld {
            self.flushOutput()
        }
    }

    /// Holds flushes until ``releaseFlushes()``; returns false when they were already held.
    func holdFlushes() -> Bool {
        if self.flushesHeld { return false }
        self.flushesHeld = true
        return true
    }

    /// Ends ``holdFlushes()`` and flushes what was written meanwhile.
    func releaseFlushes() {
        self.flushesHeld = false
        self.flushIfOutsideReadBurst()
    }

    private func flushOutput() {
        guard let context = self.context, self.output.readableBytes > 0 else {
            self.countOutput()
            return
        }
        context.writeAndFlush(self.wrapOutboundOut(self.output), promise: nil)
        if !context.channel.isWritable,
            let buffered = try? context.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)
        {
            if buffered > self.machine.limits.maximumOutputBuffer {
                self.closeForNotReading(context: context, reason: "\(buffered) bytes wait to be written")
                return
            }
            if !self.countOutput(buffered: buffered) {
                self.closeForNotReading(
                    context: context,
                    reason: "the server's output to clients passed \(self.machine.budget.outputBytesLimit) bytes "
                        + "(limits.max_server_output_buffer_mb) and this client reads nothing"
                )
                return
            }
        } else {
            self.countOutput()
        }
        if self.output.capacity <= 64 * 1024 {
            // The TLS handler encrypts during the flush and lets go of the buffer: clearing reuses its storage
            // (and copies on write, safely, if anything still holds it).
            self.output.clear()
        } else {
            // Do not keep a large export's buffer for the rest of the connection.
            self.output = context.channel.allocator.buffer(capacity: 4096)
        }
        if self.streamsPaused {
            self.resumePausedStreams()
        }
    }

    /// Counts this connection's waiting output (unwritten socket bytes and responses queued behind windows) in
    /// the server-wide budget; false when the server's total is over its limit.
    @discardableResult
    private func countOutput(buffered: Int? = nil) -> Bool {
        let socket =
            buffered ?? (try? self.context?.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
        let total = socket + self.machine.queuedOutputBytes
        if total == self.countedOutputBytes {
            return total == 0 || self.machine.budget.queuedOutputBytes <= self.machine.budget.outputBytesLimit
        }
        let within = self.machine.budget.updateOutputBytes(from: self.countedOutputBytes, to: total)
        self.countedOutputBytes = total
        return within
    }

    private func flushAndClose() {
        guard let context = self.context else { return }
        self.flushOutput()
        context.close(promise: nil)
    }

    // MARK: Timers and shutdown

    /// The connection just became idle. Scheduling and cancelling a timer per call cost more than the rest of a
    /// read's bookkeeping (a connection with calls in flight becomes idle between calls), so at most one timer is
    /// armed: when it fires it closes the connection only if it has been idle for the whole timeout since
    /// `idleSince`, and otherwise re-arms for the remainder or leaves re-arming to the next idle moment.
    private func armIdleTimer() {
        guard let context = self.context, self.machine.limits.idleTimeout != nil else {
            return
        }
        let now = context.eventLoop.now
        self.idleSince = now
        if self.idleTimer == nil, let timeout = self.machine.limits.idleTimeout {
            self.scheduleIdleCheck(at: now + TimeAmount(timeout))
        }
    }

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        guard let context = self.context else { return }
        self.idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self else { return }
            self.idleTimer = nil
            guard let since = self.idleSince, let timeout = self.machine.limits.idleTimeout,
                let context = self.context
            else {
                // A stream is open: the next idle moment arms the timer again.
                return
            }
            let due = since + TimeAmount(timeout)
            if context.eventLoop.now < due {
                self.scheduleIdleCheck(at: due)
                return
            }
            self.applySend(self.machine.idleTimeoutFired(), streamID: 0, code: nil)
        }
    }

    private func beginGracefulShutdown() {
        guard let context = self.context else { return }
        self.applySend(
            self.machine.beginGracefulShutdown(reason: "server shutting down"),
            streamID: 0,
            code: nil
        )
        // Watches never end by themselves: end them now rather than hold the drain for its whole grace period.
        let watches = self.calls.filter { $0.value.method == .watchDeals || $0.value.method == .healthWatch }
        for (streamID, active) in watches {
            self.finish(
                streamID: streamID,
                code: .unavailable,
                message: "the server is shutting down; watch again (from the last revision you saw) once it is back"
            )
            active.call.cancel()
        }
        self.flushOutput()
        let grace = self.machine.limits.drainGracePeriod
        self.drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(grace)) {
            [weak self] in
            guard let self else { return }
            for id in self.machine.closeAll() {
                self.endCall(id, code: .cancelled)?.cancel()
            }
            self.flushAndClose()
        }
    }
}

/// A call the connection tracks: its handler and what its log line needs.
private struct ActiveCall {
    var call: any DealServerCall
    let method: DealMethod
    let startedAt: NIODeadline
    let requestID: String?
    var finalCode: DealStatusCode?
}

/// Stands in for a call's handler while the router decides; ignores everything.
private final class DealServerPendingCall: DealServerCall {
    func receive(_ message: ByteBuffer, endStream: Bool) {}
    func endRequests() {}
    func cancel() {}
    func writable() {}
}

/// Sent down every connection's pipeline to start a graceful shutdown (GOAWAY, drain, close).
struct DealServerShutdownEvent: Sendable {}
