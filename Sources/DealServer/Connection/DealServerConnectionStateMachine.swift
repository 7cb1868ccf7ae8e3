import DealModel
import DealProtocol
import NIOCore
import SwiftProtobuf

/// The server side of one DealStore connection as a pure state machine: HELLO negotiation, the stream table,
/// per-stream flow control, the connection's share of the memory budget, the timers of every stream (call
/// deadlines, request-body timeouts) and of HELLO, keepalive policing and GOAWAY.
///
/// It does no I/O and keeps no clock: the connection handler feeds it frames, events and the time, arms one timer
/// for ``nextTimerDeadline`` and carries out the action each `mutating` function returns, so every rule of
/// Protocol/PROTOCOL.md is unit-tested without sockets. Budget reservations go to the server-wide
/// ``DealServerBudget`` it is given and are released when the bytes are consumed or the stream ends.
struct DealServerConnectionStateMachine {
    enum Phase: Equatable {
        /// Nothing received yet: the only acceptable frame is the client's HELLO.
        case awaitingHello
        case active
        /// A GOAWAY was sent: streams up to `lastStreamID` finish, later ones are refused as unprocessed.
        case draining(lastStreamID: UInt32)
        case closed
    }

    struct StreamState {
        var method: DealMethod
        /// MESSAGE bytes the server may still send before the client grants more.
        var sendWindow: DealFlowWindow
        /// MESSAGE bytes the client may still send before the server grants more.
        var receiveWindow: DealFlowWindow
        /// Responses waiting for send window, and the trailers that must follow them.
        var pendingMessages: [ByteBuffer] = []
        var pendingBytes = 0
        var pendingTrailers: DealFrame?
        var requestEnded = false
        /// Request bytes delivered to the call but not consumed yet; reserved in the budget.
        var heldRequestBytes = 0
        /// When the call's deadline (`timeout_micros`) passes.
        var deadline: NIODeadline?
        /// When the request must have made progress (a MESSAGE) or ended; `nil` once it ended.
        var requestDeadline: NIODeadline?
        /// Whether the stream holds a place among the incomplete streams (its request has not ended).
        var countsAsIncomplete = false
    }

    /// What the handler must do when a timer is due.
    enum Expiry: Equatable {
        /// HELLO did not come in time: write the GOAWAY, then close.
        case connection(ReceiveAction)
        /// A stream's time is up: carry out the send action (its TRAILERS), then stop the call's handler.
        case stream(streamID: UInt32, code: DealStatusCode, action: SendAction)
    }

    /// What the handler must do after a frame arrived.
    enum ReceiveAction: Equatable {
        case none
        /// Write these frames (HELLO answer, PONG, WINDOW_UPDATE, an immediate TRAILERS refusing a call).
        case write([DealFrame])
        /// Start a handler for a new call.
        case startCall(streamID: UInt32, method: DealMethod, headers: Dealstore_V1_CallHeaders, endStream: Bool)
        /// Hand a request message to the call. The window is granted back only when the call has consumed it
        /// (``consumed(streamID:)``, or the request's end).
        case deliver(streamID: UInt32, message: ByteBuffer, endStream: Bool)
        /// The client ended its requests without a message in this frame.
        case endRequests(streamID: UInt32)
        /// Stop the call's handler; the client will not read its answer.
        case cancelCall(streamID: UInt32)
        /// The client granted window: write the frames that were waiting, then tell the call it may produce more.
        case resume(streamID: UInt32, frames: [DealFrame])
        /// A connection error: write the GOAWAY (if any), then close.
        case closeConnection(goAway: DealFrame?, code: DealStatusCode, reason: String)
        /// Stop and write the refusal for a stream error: TRAILERS, then stop the call's handler if one runs.
        case failStream(streamID: UInt32, trailers: DealFrame, cancelHandler: Bool)
    }

    /// What the handler must do after a call produced output.
    enum SendAction: Equatable {
        /// The stream is gone (cancelled, failed or ended): drop the output.
        case drop
        /// Write these frames. `writable` tells a streaming call whether it may produce more now.
        case write([DealFrame], writable: Bool)
        /// Write these frames, then close the connection: the last stream of a draining connection ended.
        case writeAndClose([DealFrame])
    }

    let limits: DealConnectionLimits
    let agent: String
    /// The server-wide budget this connection draws on.
    let budget: DealServerBudget
    private(set) var phase: Phase = .awaitingHello
    private(set) var streams: [UInt32: StreamState] = [:]
    private(set) var highestStreamID: UInt32 = 0
    /// The largest frame payload the client accepts, from its HELLO.
    private(set) var peerMaximumFrameSize = DealFrame.defaultMaximumPayloadSize
    /// The client's initial window for our MESSAGE frames, from its HELLO.
    private(set) var peerInitialWindowSize = DealFrame.defaultMaximumPayloadSize
    private var lastPingAt: NIODeadline?
    private var pingStrikes = 0
    /// When HELLO must have arrived; set once the transport (TLS) is ready.
    private(set) var helloDeadline: NIODeadline?
    /// No stream timer is due before this (a lower bound: streams that ended may have held it).
    private var earliestStreamDeadline: NIODeadline?
    /// Request bytes held on this connection: every stream's ``StreamState/heldRequestBytes``.
    private(set) var heldRequestBytes = 0
    /// Bytes of a frame the decoder has started but not finished; reserved in the budget.
    private(set) var partialFrameBytes = 0
    /// Streams whose request has not ended; each holds one reservation in the budget.
    private(set) var incompleteStreamCount = 0
    /// Responses queued behind flow-control windows, all streams together.
    private(set) var queuedOutputBytes = 0

    /// A machine drawing on `budget`; without one it gets a budget of its own (tests, a lone connection).
    init(limits: DealConnectionLimits, agent: String, budget: DealServerBudget? = nil) {
        self.limits = limits
        self.agent = agent
        self.budget = budget ?? DealServerBudget(limits: limits)
    }

    /// The earliest moment ``expireTimers(now:)`` has something to do, if any.
    var nextTimerDeadline: NIODeadline? {
        let hello = self.phase == .awaitingHello ? self.helloDeadline : nil
        switch (hello, self.earliestStreamDeadline) {
        case (let a?, let b?): return min(a, b)
        case (let a?, nil): return a
        case (nil, let b): return b
        }
    }

    var openStreamCount: Int {
        self.streams.count
    }

    var isDraining: Bool {
        if case .draining = self.phase { return true }
        return false
    }

    // MARK: Receiving

    /// The TLS handshake completed: the client now has ``DealConnectionLimits/helloTimeout`` to send HELLO.
    mutating func transportReady(now: NIODeadline) {
        guard self.phase == .awaitingHello else { return }
        self.helloDeadline = now + TimeAmount(self.limits.helloTimeout)
    }

    mutating func receive(_ frame: DealFrame, now: NIODeadline) -> ReceiveAction {
        switch self.phase {
        case .closed:
            return .none
        case .awaitingHello:
            return self.receiveFirst(frame)
        case .active, .draining:
            break
        }
        if frame.streamID == 0 {
            return self.receiveConnectionFrame(frame, now: now)
        }
        if frame.kind.isConnectionLevel {
            return self.connectionError(
                .internal,
                "\(frame.kind) frames belong on stream 0, not stream \(frame.streamID)"
            )
        }
        switch frame.kind {
        case .headers:
            return self.receiveHeaders(frame, now: now)
        case .message:
            return self.receiveMessage(frame, now: now)
        case .cancel:
            if self.removeStream(frame.streamID) != nil {
                return .cancelCall(streamID: frame.streamID)
            }
            return .none
        case .windowUpdate:
            return self.receiveWindowUpdate(frame)
        case .trailers:
            return self.connectionError(.internal, "clients must not send TRAILERS (stream \(frame.streamID))")
        default:
            // Unknown types on a call's stream are extension points: ignored, as PROTOCOL.md requires.
            return .none
        }
    }

    private mutating func receiveFirst(_ frame: DealFrame) -> ReceiveAction {
        guard frame.kind == .hello, frame.streamID == 0 else {
            return self.connectionError(
                .internal,
                "expected HELLO on stream 0 as the first frame, got \(frame.kind) on stream \(frame.streamID)"
            )
        }
        let hello: Dealstore_V1_Hello
        do {
            hello = try frame.decodePayload(errorCode: .internal)
        } catch {
            return self.connectionError(.internal, error.message)
        }
        let version = DealProtocolVersion.current
        guard hello.minVersion <= version, version <= hello.maxVersion else {
            return self.connectionError(
                .failedPrecondition,
                "protocol versions \(hello.minVersion)...\(hello.maxVersion) are not supported; "
                    + "this server speaks version \(version)"
            )
        }
        if hello.maxFrameSize != 0 {
            guard hello.maxFrameSize >= 16 * 1024 else {
                return self.connectionError(
                    .failedPrecondition,
                    "max_frame_size \(hello.maxFrameSize) is below the minimum of 16384"
                )
            }
            self.peerMaximumFrameSize = min(Int(hello.maxFrameSize), DealFrame.absoluteMaximumPayloadSize)
        }
        if hello.initialWindowSize != 0 {
            self.peerInitialWindowSize = min(Int(hello.initialWindowSize), Int(Int32.max))
        }
        // A window below the frame size could leave a response that fits a frame stuck forever.
        guard self.peerInitialWindowSize >= self.peerMaximumFrameSize else {
            return self.connectionError(
                .failedPrecondition,
                "initial_window_size \(self.peerInitialWindowSize) is below max_frame_size \(self.peerMaximumFrameSize); "
                    + "a peer's window must hold its largest frame"
            )
        }
        self.phase = .active
        self.helloDeadline = nil
        var answer = Dealstore_V1_Hello()
        answer.minVersion = version
        answer.maxVersion = version
        answer.agent = self.agent
        answer.maxFrameSize = UInt32(self.limits.maximumFrameSize)
        answer.maxConcurrentStreams = UInt32(self.limits.maximumConcurrentStreams)
        answer.initialWindowSize = UInt32(self.limits.initialWindowSize)
        answer.minPingIntervalMillis = UInt32(clamping: self.limits.minimumPingInterval.milliseconds)
        answer.idleTimeoutMillis = UInt32(clamping: self.limits.idleTimeout?.milliseconds ?? 0)
        do {
            return .write([try DealFrame(kind: .hello, streamID: 0, message: answer)])
        } catch {
            return self.connectionError(.internal, "the server could not encode its HELLO: \(error.message)")
        }
    }

    private mutating func receiveConnectionFrame(_ frame: DealFrame, now: NIODeadline) -> ReceiveAction {
        switch frame.kind {
        case .ping:
            if let last = self.lastPingAt, now - last < TimeAmount(self.limits.minimumPingInterval) {
                self.pingStrikes += 1
                if self.pingStrikes > self.limits.maximumPingStrikes {
                    return self.connectionError(
                        .resourceExhausted,
                        "too many pings: more than \(self.limits.maximumPingStrikes) within "
                            + "\(self.limits.minimumPingInterval.milliseconds) ms of each other"
                    )
                }
            }
            self.lastPingAt = now
            return .write([DealFrame(kind: .pong, streamID: 0, payload: frame.payload)])
        case .pong:
            return .none
        case .goAway:
            // The client is leaving: it opens no more streams; running calls finish normally.
            return .none
        case .hello:
            return self.connectionError(.internal, "HELLO was already received; a second HELLO is not allowed")
        default:
            return self.connectionError(.internal, "\(frame.kind) frames are not allowed on stream 0")
        }
    }

    private mutating func receiveHeaders(_ frame: DealFrame, now: NIODeadline) -> ReceiveAction {
        let id = frame.streamID
        if self.streams[id] != nil {
            return self.connectionError(.internal, "HEADERS on stream \(id), which is already open")
        }
        guard id > self.highestStreamID else {
            return self.connectionError(
                .internal,
                "stream id \(id) is not above the last one used (\(self.highestStreamID)); ids must increase"
            )
        }
        self.highestStreamID = id
        if case .draining(let last) = self.phase, id > last {
            return .write([
                Self.trailers(
                    streamID: id,
                    code: .unavailable,
                    message: "the server is shutting down; this call was not processed and is safe to retry"
                )
            ])
        }
        guard frame.payload.readableBytes <= self.limits.maximumHeadersBytes else {
            // Refused unread: a large HEADERS of many small metadata entries costs seconds of CPU to decode.
            return .write([
                Self.trailers(
                    streamID: id,
                    code: .resourceExhausted,
                    message: "HEADERS of \(frame.payload.readableBytes) bytes is over the limit of "
                        + "\(self.limits.maximumHeadersBytes) (limits.max_headers_bytes); send less metadata"
                )
            ])
        }
        let headers: Dealstore_V1_CallHeaders
        if let decoded = DealCallHeadersDecoder.decode(frame.payload) {
            headers = decoded
        } else {
            // Whatever the fast path declines gets protobuf's own verdict and error message.
            do {
                headers = try frame.decodePayload()
            } catch {
                return .write([Self.trailers(streamID: id, code: .invalidArgument, message: error.message)])
            }
        }
        guard let method = DealMethod.named(headers.method) else {
            return .write([
                Self.trailers(
                    streamID: id,
                    code: .unimplemented,
                    message: "method \"\(headers.method)\" is not implemented; Server/GetInfo lists the methods"
                )
            ])
        }
        guard self.streams.count < self.limits.maximumConcurrentStreams else {
            return .write([
                Self.trailers(
                    streamID: id,
                    code: .resourceExhausted,
                    message: "too many concurrent streams: the limit is \(self.limits.maximumConcurrentStreams); "
                        + "wait for a call to finish"
                )
            ])
        }
        if !frame.isEndStream {
            guard self.incompleteStreamCount < self.limits.maximumIncompleteStreams else {
                return .write([
                    Self.trailers(
                        streamID: id,
                        code: .resourceExhausted,
                        message: "too many calls waiting for their request on this connection: the limit is "
                            + "\(self.limits.maximumIncompleteStreams) (limits.max_incomplete_streams); end each "
                            + "request (END_STREAM) before opening more, or raise the limit"
                    )
                ])
            }
            guard self.budget.reserveIncompleteStream() else {
                return .write([
                    Self.trailers(
                        streamID: id,
                        code: .resourceExhausted,
                        message: "the server has \(self.budget.incompleteStreamsLimit) calls waiting for their "
                            + "request (limits.max_server_incomplete_streams); retry later, or raise the limit"
                    )
                ])
            }
            // The call keeps its headers (metadata and all) while it waits for the request: they are held bytes.
            if let refusal = self.reserveRequestBytes(frame.payload.readableBytes) {
                self.budget.releaseIncompleteStream()
                return .write([Self.trailers(streamID: id, code: .resourceExhausted, message: refusal)])
            }
            self.incompleteStreamCount += 1
        }
        var stream = StreamState(
            method: method,
            sendWindow: DealFlowWindow(
                initialSize: self.peerInitialWindowSize,
                largestMessage: self.peerMaximumFrameSize
            ),
            receiveWindow: DealFlowWindow(
                initialSize: self.limits.initialWindowSize,
                largestMessage: self.limits.maximumFrameSize
            )
        )
        stream.requestEnded = frame.isEndStream
        stream.countsAsIncomplete = !frame.isEndStream
        stream.heldRequestBytes = frame.isEndStream ? 0 : frame.payload.readableBytes
        if headers.timeoutMicros > 0 {
            // Clamped so that no timeout a client sends can overflow the clock.
            let micros = Int64(min(headers.timeoutMicros, UInt64(Int64.max / 1000 / 4)))
            stream.deadline = now + .microseconds(micros)
        }
        if !frame.isEndStream, let timeout = self.limits.requestBodyTimeout {
            stream.requestDeadline = now + TimeAmount(timeout)
        }
        self.noteDeadline(stream.deadline)
        self.noteDeadline(stream.requestDeadline)
        self.streams[id] = stream
        return .startCall(streamID: id, method: method, headers: headers, endStream: frame.isEndStream)
    }

    private mutating func noteDeadline(_ deadline: NIODeadline?) {
        guard let deadline else { return }
        if let earliest = self.earliestStreamDeadline, earliest <= deadline { return }
        self.earliestStreamDeadline = deadline
    }

    private mutating func receiveMessage(_ frame: DealFrame, now: NIODeadline) -> ReceiveAction {
        let id = frame.streamID
        guard var stream = self.streams[id] else {
            if id > self.highestStreamID {
                return self.connectionError(.internal, "MESSAGE on stream \(id), which was never opened")
            }
            // A call that already ended (cancelled, failed, answered): the client's frames were in flight.
            return .none
        }
        if stream.requestEnded {
            self.removeStream(id)
            return .failStream(
                streamID: id,
                trailers: Self.trailers(
                    streamID: id,
                    code: .internal,
                    message: "MESSAGE after END_STREAM on stream \(id)"
                ),
                cancelHandler: true
            )
        }
        let size = frame.payload.readableBytes
        let available = stream.receiveWindow.available
        guard stream.receiveWindow.receive(size) else {
            self.removeStream(id)
            return .failStream(
                streamID: id,
                trailers: Self.trailers(
                    streamID: id,
                    code: .resourceExhausted,
                    message: "flow control: \(size) bytes sent with \(available) bytes of window left"
                ),
                cancelHandler: true
            )
        }
        if self.exceedsFieldLimit(frame.payload, method: stream.method) {
            self.removeStream(id)
            return .failStream(
                streamID: id,
                trailers: Self.trailers(
                    streamID: id,
                    code: .resourceExhausted,
                    message: "the request message would decode into more than \(self.limits.maximumRequestFields) "
                        + "fields (limits.max_request_fields); a deal has a few hundred at most: send fewer "
                        + "repeated entries, or split the request"
                ),
                cancelHandler: true
            )
        }
        if frame.isEndStream {
            // The request is complete: the call takes it now, so nothing stays held and no timer is needed.
            stream.requestEnded = true
            stream.requestDeadline = nil
            self.streams[id] = stream
            self.releaseRequest(id)
            return .deliver(streamID: id, message: frame.payload, endStream: true)
        }
        // A message the call may keep until the request ends: it must fit this connection's and the server's
        // request budgets, or the call ends here instead of buffering without bound.
        if let refusal = self.reserveRequestBytes(size) {
            self.removeStream(id)
            return .failStream(
                streamID: id,
                trailers: Self.trailers(streamID: id, code: .resourceExhausted, message: refusal),
                cancelHandler: true
            )
        }
        stream.heldRequestBytes += size
        if let timeout = self.limits.requestBodyTimeout {
            // Progress: the request's clock starts again (a later deadline keeps the lower bound valid).
            stream.requestDeadline = now + TimeAmount(timeout)
        }
        self.streams[id] = stream
        return .deliver(streamID: id, message: frame.payload, endStream: false)
    }

    /// Whether `message` would decode into more fields than ``DealConnectionLimits/maximumRequestFields``
    /// (``DealMessageCensus``); small messages are answered without reading them.
    private func exceedsFieldLimit(_ message: ByteBuffer, method: DealMethod) -> Bool {
        let limit = self.limits.maximumRequestFields
        guard message.readableBytes / 2 > limit else { return false }
        return message.withUnsafeReadableBytes { bytes in
            DealMessageCensus.dealStore.exceeds(limit, requestOfMethod: method.path, bytes: bytes)
        }
    }

    /// Reserves `size` held request bytes; the refusal's message when a limit would be passed.
    private mutating func reserveRequestBytes(_ size: Int) -> String? {
        let limit = self.limits.maximumRequestBytes
        guard size <= limit - self.heldRequestBytes else {
            return "request messages held on this connection would exceed \(limit) bytes "
                + "(limits.max_request_buffer_mb); end requests (END_STREAM) sooner, or raise the limit"
        }
        guard self.budget.reserveRequestBytes(size) else {
            return "the server holds \(self.budget.requestBytesLimit) bytes of unfinished requests "
                + "(limits.max_server_request_buffer_mb); retry later, or raise the limit"
        }
        self.heldRequestBytes += size
        return nil
    }

    /// The call consumed the request messages delivered to it (a client-streaming call decodes each as it comes):
    /// their budget is released, and the window granted back once enough is consumed.
    mutating func consumed(streamID: UInt32) -> DealFrame? {
        guard var stream = self.streams[streamID] else { return nil }
        let unconsumed = stream.receiveWindow.unconsumed
        let increment = stream.receiveWindow.consume(unconsumed)
        let held = stream.heldRequestBytes
        stream.heldRequestBytes = 0
        self.streams[streamID] = stream
        self.heldRequestBytes -= held
        self.budget.releaseRequestBytes(held)
        guard let increment, !stream.requestEnded else { return nil }
        var message = Dealstore_V1_WindowUpdate()
        message.increment = increment
        do {
            return try DealFrame(kind: .windowUpdate, streamID: streamID, message: message)
        } catch {
            // Without the update the client could never send more on this stream: end it, INTERNAL.
            return Self.internalTrailers(streamID: streamID, error)
        }
    }

    /// The decoder holds `bytes` of a frame not yet complete; reserved in the server-wide request budget.
    mutating func partialFrame(bytes: Int) -> ReceiveAction {
        let delta = bytes - self.partialFrameBytes
        if delta <= 0 {
            self.budget.releaseRequestBytes(-delta)
            self.partialFrameBytes = bytes
            return .none
        }
        guard self.phase != .closed else { return .none }
        guard self.budget.reserveRequestBytes(delta) else {
            return self.connectionError(
                .resourceExhausted,
                "the server holds \(self.budget.requestBytesLimit) bytes of unfinished requests "
                    + "(limits.max_server_request_buffer_mb); reconnect later, or raise the limit"
            )
        }
        self.partialFrameBytes = bytes
        return .none
    }

    /// Releases a stream's request reservations: its held bytes and its place among incomplete streams.
    private mutating func releaseRequest(_ streamID: UInt32) {
        guard var stream = self.streams[streamID] else { return }
        let held = stream.heldRequestBytes
        stream.heldRequestBytes = 0
        stream.requestDeadline = nil
        self.streams[streamID] = stream
        self.heldRequestBytes -= held
        self.budget.releaseRequestBytes(held)
        self.releaseIncomplete(streamID)
    }

    private mutating func releaseIncomplete(_ streamID: UInt32) {
        guard var stream = self.streams[streamID], stream.countsAsIncomplete else { return }
        stream.countsAsIncomplete = false
        self.streams[streamID] = stream
        self.incompleteStreamCount -= 1
        self.budget.releaseIncompleteStream()
    }

    /// Removes a stream and everything it holds in the budget.
    @discardableResult
    private mutating func removeStream(_ streamID: UInt32) -> StreamState? {
        guard self.streams[streamID] != nil else { return nil }
        self.releaseRequest(streamID)
        guard let stream = self.streams.removeValue(forKey: streamID) else { return nil }
        self.queuedOutputBytes -= stream.pendingBytes
        return stream
    }

    private mutating func receiveWindowUpdate(_ frame: DealFrame) -> ReceiveAction {
        let id = frame.streamID
        guard var stream = self.streams[id] else {
            return .none
        }
        let increment: UInt32
        do {
            increment = try frame.decodePayload(as: Dealstore_V1_WindowUpdate.self).increment
        } catch {
            return self.connectionError(.internal, error.message)
        }
        guard stream.sendWindow.grant(increment) else {
            return self.connectionError(
                .internal,
                "WINDOW_UPDATE of \(increment) on stream \(id) is zero or overflows the window"
            )
        }
        var frames: [DealFrame] = []
        while let next = stream.pendingMessages.first, stream.sendWindow.take(next.readableBytes) {
            stream.pendingMessages.removeFirst()
            stream.pendingBytes -= next.readableBytes
            self.queuedOutputBytes -= next.readableBytes
            frames.append(DealFrame(kind: .message, streamID: id, payload: next))
        }
        if stream.pendingMessages.isEmpty, let trailers = stream.pendingTrailers {
            frames.append(trailers)
            self.streams[id] = stream
            self.removeStream(id)
            return .resume(streamID: id, frames: frames)
        }
        self.streams[id] = stream
        return .resume(streamID: id, frames: frames)
    }

    // MARK: Sending

    /// Whether a streaming call may produce another response without queueing.
    func isWritable(streamID: UInt32) -> Bool {
        guard let stream = self.streams[streamID] else { return false }
        return stream.pendingMessages.isEmpty && stream.sendWindow.available > 0
    }

    /// Bytes queued behind a stream's flow-control window.
    func pendingBytes(streamID: UInt32) -> Int {
        self.streams[streamID]?.pendingBytes ?? 0
    }

    /// Sends a response, or queues it behind the stream's window. A response the client could never accept (over
    /// its `max_frame_size`; the protocol never splits a message) or one that would queue more than the output cap
    /// ends the call with RESOURCE_EXHAUSTED instead: the result is then TRAILERS, and the call's handler must stop.
    mutating func send(message: ByteBuffer, streamID: UInt32) -> SendAction {
        guard var stream = self.streams[streamID], stream.pendingTrailers == nil else {
            return .drop
        }
        let size = message.readableBytes
        if let refusal = self.refusal(ofResponse: size, stream: stream) {
            return self.endStream(streamID, code: .resourceExhausted, message: refusal)
        }
        if stream.pendingMessages.isEmpty && stream.sendWindow.take(size) {
            self.streams[streamID] = stream
            return .write(
                [DealFrame(kind: .message, streamID: streamID, payload: message)],
                writable: stream.sendWindow.available > 0
            )
        }
        stream.pendingMessages.append(message)
        stream.pendingBytes += size
        self.queuedOutputBytes += size
        self.streams[streamID] = stream
        return .write([], writable: false)
    }

    /// Why a response of `size` bytes cannot go to the client, if it cannot.
    private func refusal(ofResponse size: Int, stream: StreamState) -> String? {
        if !stream.sendWindow.fits(size) {
            return "the response is \(size) bytes, more than the client accepts in one message "
                + "(its max_frame_size \(self.peerMaximumFrameSize)); ask for less (a smaller page_size or "
                + "field mask), or raise the client's max_frame_size"
        }
        let queueing = !stream.pendingMessages.isEmpty || size > stream.sendWindow.available
        if queueing && size > self.limits.maximumOutputBuffer - self.queuedOutputBytes {
            return "responses waiting for the client's window on this connection would exceed "
                + "\(self.limits.maximumOutputBuffer) bytes (limits.max_output_buffer_mb); read responses "
                + "(grant window) sooner, or raise the limit"
        }
        return nil
    }

    /// What the handler does with a unary call's one response and OK status.
    enum UnaryAnswer: Equatable {
        /// The stream is gone: drop the answer.
        case drop
        /// Output is queued, the window is too small or the answer too large for the client: take the general path
        /// (``send(message:streamID:)`` then ``finish(streamID:code:message:)``).
        case queue
        /// Write MESSAGE and TRAILERS OK now; the stream is closed. With `close`, close the connection after.
        case write(close: Bool)
        /// The answer would take the connection's unwritten output past `limits.maximumOutputBuffer`: end the call
        /// with RESOURCE_EXHAUSTED and this message instead (``finish(streamID:code:message:metadata:)``).
        case refuse(message: String)
    }

    /// Ends a unary call with its response and OK in one step, when nothing stands in the way.
    ///
    /// `unwrittenBytes` is the output the handler holds for the client and has not written to the socket yet.
    /// Unary answers are not paced by writability, so without this check a client that pipelines many calls and
    /// reads nothing would make one read burst queue every answer before the cap is ever looked at. One answer on
    /// an otherwise empty connection always goes (the client's max_frame_size already bounds it).
    mutating func answerUnary(streamID: UInt32, messageSize: Int, unwrittenBytes: Int = 0) -> UnaryAnswer {
        guard let stream = self.streams[streamID], stream.pendingTrailers == nil else {
            return .drop
        }
        let sum = unwrittenBytes.addingReportingOverflow(self.queuedOutputBytes)
        let waiting = sum.overflow ? Int.max : sum.partialValue
        if waiting > 0, messageSize > self.limits.maximumOutputBuffer - min(waiting, self.limits.maximumOutputBuffer) {
            return .refuse(
                message: "the answer (\(messageSize) bytes) would take the output waiting for this client past "
                    + "\(self.limits.maximumOutputBuffer) bytes (limits.max_output_buffer_mb): read answers as they "
                    + "come, send fewer calls at once, or raise the limit"
            )
        }
        guard stream.pendingMessages.isEmpty, messageSize <= stream.sendWindow.available,
            stream.sendWindow.fits(messageSize)
        else {
            return .queue
        }
        self.removeStream(streamID)
        if self.isDraining && self.streams.isEmpty {
            self.phase = .closed
            return .write(close: true)
        }
        return .write(close: false)
    }

    /// Ends a call with a status. Queued responses are sent first, so the TRAILERS always come last.
    mutating func finish(
        streamID: UInt32,
        code: DealStatusCode,
        message: String,
        metadata: [DealMetadataEntry] = []
    ) -> SendAction {
        guard var stream = self.streams[streamID], stream.pendingTrailers == nil else {
            return .drop
        }
        let trailers = Self.trailers(streamID: streamID, code: code, message: message, metadata: metadata)
        if !stream.pendingMessages.isEmpty {
            stream.pendingTrailers = trailers
            self.streams[streamID] = stream
            return .write([], writable: false)
        }
        self.removeStream(streamID)
        if self.isDraining && self.streams.isEmpty {
            self.phase = .closed
            return .writeAndClose([trailers])
        }
        return .write([trailers], writable: false)
    }

    /// The call's deadline passed: end it with DEADLINE_EXCEEDED, dropping anything still queued.
    mutating func deadlineExpired(streamID: UInt32) -> SendAction {
        self.endStream(streamID, code: .deadlineExceeded, message: "the call's deadline expired")
    }

    /// Ends a call at once with a status, dropping anything still queued for it.
    private mutating func endStream(_ streamID: UInt32, code: DealStatusCode, message: String) -> SendAction {
        guard var stream = self.streams[streamID] else {
            return .drop
        }
        self.queuedOutputBytes -= stream.pendingBytes
        stream.pendingMessages.removeAll()
        stream.pendingBytes = 0
        stream.pendingTrailers = nil
        self.streams[streamID] = stream
        return self.finish(streamID: streamID, code: code, message: message)
    }

    /// Ends whatever is due at `now`: a connection still without HELLO, calls past their deadline, requests that
    /// made no progress within the request-body timeout.
    mutating func expireTimers(now: NIODeadline) -> [Expiry] {
        if self.phase == .awaitingHello, let due = self.helloDeadline, due <= now {
            self.helloDeadline = nil
            return [
                .connection(
                    self.connectionError(
                        .deadlineExceeded,
                        "no HELLO within \(self.limits.helloTimeout.milliseconds) ms of the TLS handshake "
                            + "(limits.hello_timeout_seconds); a client must send HELLO first"
                    )
                )
            ]
        }
        guard let earliest = self.earliestStreamDeadline, earliest <= now else { return [] }
        var expired: [Expiry] = []
        var next: NIODeadline?
        for id in self.streams.keys.sorted() {
            guard let stream = self.streams[id] else { continue }
            if let deadline = stream.deadline, deadline <= now {
                expired.append(
                    .stream(streamID: id, code: .deadlineExceeded, action: self.deadlineExpired(streamID: id))
                )
                continue
            }
            if let due = stream.requestDeadline, due <= now {
                let timeout = self.limits.requestBodyTimeout?.milliseconds ?? 0
                let action = self.endStream(
                    id,
                    code: .resourceExhausted,
                    message: "the request made no progress for \(timeout) ms without ending (END_STREAM) "
                        + "(limits.request_body_timeout_seconds); send the whole request promptly, or raise the limit"
                )
                expired.append(.stream(streamID: id, code: .resourceExhausted, action: action))
                continue
            }
            for deadline in [stream.deadline, stream.requestDeadline].compactMap({ $0 }) {
                next = next.map { min($0, deadline) } ?? deadline
            }
        }
        self.earliestStreamDeadline = next
        return expired
    }

    // MARK: Connection lifecycle

    /// Starts a graceful shutdown: a GOAWAY naming the last stream that will be processed.
    mutating func beginGracefulShutdown(reason: String) -> SendAction {
        switch self.phase {
        case .closed, .draining:
            return .drop
        case .awaitingHello:
            self.phase = .closed
            return .writeAndClose([])
        case .active:
            let last = self.highestStreamID
            self.phase = .draining(lastStreamID: last)
            let goAway = Self.goAway(lastStreamID: last, code: .ok, reason: reason)
            if self.streams.isEmpty {
                self.phase = .closed
                return .writeAndClose(goAway.map { [$0] } ?? [])
            }
            return .write(goAway.map { [$0] } ?? [], writable: false)
        }
    }

    /// The idle timer fired: close if no stream is open.
    mutating func idleTimeoutFired() -> SendAction {
        guard self.streams.isEmpty, self.phase != .closed else {
            return .drop
        }
        let goAway = Self.goAway(
            lastStreamID: self.highestStreamID,
            code: .unavailable,
            reason: "idle for longer than the server's idle timeout"
        )
        self.phase = .closed
        return .writeAndClose(goAway.map { [$0] } ?? [])
    }

    /// A connection error detected outside frame parsing (decoder error, output buffer cap, handshake timeout).
    mutating func fail(code: DealStatusCode, message: String) -> ReceiveAction {
        self.connectionError(code, message)
    }

    /// Every open stream, for cancelling their handlers when the connection goes away.
    mutating func closeAll() -> [UInt32] {
        self.phase = .closed
        let ids = Array(self.streams.keys)
        for id in ids {
            self.removeStream(id)
        }
        _ = self.partialFrame(bytes: 0)
        self.earliestStreamDeadline = nil
        return ids
    }

    private mutating func connectionError(_ code: DealStatusCode, _ message: String) -> ReceiveAction {
        let wasOpen = self.phase != .closed
        self.phase = .closed
        let goAway = wasOpen ? Self.goAway(lastStreamID: self.highestStreamID, code: code, reason: message) : nil
        return .closeConnection(goAway: goAway, code: code, reason: message)
    }

    // MARK: Frames

    /// INTERNAL trailers for a stream whose next frame could not be encoded (DealProtocol's one fallback).
    static func internalTrailers(streamID: UInt32, _ error: DealRPCError) -> DealFrame {
        DealFrame.internalTrailers(streamID: streamID, reason: "the server could not encode a frame: \(error.message)")
    }

    static func trailers(
        streamID: UInt32,
        code: DealStatusCode,
        message: String,
        metadata: [DealMetadataEntry] = []
    ) -> DealFrame {
        DealFrame.trailers(
            streamID: streamID,
            code: code,
            message: Self.statusMessage(message),
            metadata: metadata.map(\.wire)
        )
    }

    /// Longest status message sent, in UTF-8 bytes; longer ones are cut with "…".
    static let maximumStatusMessageBytes = 2048

    /// `message` cut to ``maximumStatusMessageBytes`` at a character boundary: errors quote what the client
    /// sent (an id, a field's value), and a 100 KB id must not come back as a 100 KB status in every refusal.
    static func statusMessage(_ message: String) -> String {
        guard message.utf8.count > Self.maximumStatusMessageBytes else { return message }
        var cut = ""
        var bytes = 0
        for character in message {
            let size = character.utf8.count
            guard bytes + size <= Self.maximumStatusMessageBytes - 3 else { break }
            cut.append(character)
            bytes += size
        }
        return cut + "…"
    }

    /// The GOAWAY to send, or `nil` when it cannot be encoded: the connection then closes without one (the
    /// protocol's abrupt close), never with an empty GOAWAY that would read as a graceful shutdown.
    static func goAway(lastStreamID: UInt32, code: DealStatusCode, reason: String) -> DealFrame? {
        var goAway = Dealstore_V1_GoAway()
        goAway.lastStreamID = lastStreamID
        goAway.code = code.rawValue
        goAway.reason = reason
        return try? DealFrame(kind: .goAway, streamID: 0, message: goAway)
    }
}
