import DealProtocol
import NIOCore
import SwiftProtobuf

/// The server side of one DealStore connection as a pure state machine: HELLO negotiation, the stream table,
/// per-stream flow control, keepalive policing and GOAWAY.
///
/// It does no I/O and keeps no clock: the connection handler feeds it frames and events and carries out the
/// action each `mutating` function returns, so every rule of Protocol/PROTOCOL.md is unit-tested without sockets.
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
        var sendWindow: Int
        /// MESSAGE bytes the client may still send before the server grants more.
        var receiveWindow: Int
        /// Responses waiting for send window, and the trailers that must follow them.
        var pendingMessages: [ByteBuffer] = []
        var pendingBytes = 0
        var pendingTrailers: DealFrame?
        var requestEnded = false
    }

    /// What the handler must do after a frame arrived.
    enum ReceiveAction: Equatable {
        case none
        /// Write these frames (HELLO answer, PONG, WINDOW_UPDATE, an immediate TRAILERS refusing a call).
        case write([DealFrame])
        /// Start a handler for a new call.
        case startCall(streamID: UInt32, method: DealMethod, headers: Dealstore_V1_CallHeaders, endStream: Bool)
        /// Hand a request message to the call; write `windowUpdate` if present.
        case deliver(streamID: UInt32, message: ByteBuffer, endStream: Bool, windowUpdate: DealFrame?)
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
    private(set) var phase: Phase = .awaitingHello
    private(set) var streams: [UInt32: StreamState] = [:]
    private(set) var highestStreamID: UInt32 = 0
    /// The largest frame payload the client accepts, from its HELLO.
    private(set) var peerMaximumFrameSize = DealFrame.defaultMaximumPayloadSize
    /// The client's initial window for our MESSAGE frames, from its HELLO.
    private(set) var peerInitialWindowSize = DealFrame.defaultMaximumPayloadSize
    private var lastPingAt: NIODeadline?
    private var pingStrikes = 0

    init(limits: DealConnectionLimits, agent: String) {
        self.limits = limits
        self.agent = agent
    }

    var openStreamCount: Int {
        self.streams.count
    }

    var isDraining: Bool {
        if case .draining = self.phase { return true }
        return false
    }

    // MARK: Receiving

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
            return self.receiveHeaders(frame)
        case .message:
            return self.receiveMessage(frame)
        case .cancel:
            if self.streams.removeValue(forKey: frame.streamID) != nil {
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
        var answer = Dealstore_V1_Hello()
        answer.minVersion = version
        answer.maxVersion = version
        answer.agent = self.agent
        answer.maxFrameSize = UInt32(self.limits.maximumFrameSize)
        answer.maxConcurrentStreams = UInt32(self.limits.maximumConcurrentStreams)
        answer.initialWindowSize = UInt32(self.limits.initialWindowSize)
        answer.minPingIntervalMillis = UInt32(self.limits.minimumPingInterval.milliseconds)
        answer.idleTimeoutMillis = UInt32(self.limits.idleTimeout?.milliseconds ?? 0)
        return .write([Self.frame(.hello, streamID: 0, answer)])
    }

    private mutating func receiveConnectionFrame(_ frame: DealFrame, now: NIODeadline) -> ReceiveAction {
        switch frame.kind {
        case .ping:
            if let last = self.lastPingAt, now - last < .nanoseconds(self.limits.minimumPingInterval.nanoseconds) {
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

    private mutating func receiveHeaders(_ frame: DealFrame) -> ReceiveAction {
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
        var stream = StreamState(
            method: method,
            sendWindow: self.peerInitialWindowSize,
            receiveWindow: self.limits.initialWindowSize
        )
        stream.requestEnded = frame.isEndStream
        self.streams[id] = stream
        return .startCall(streamID: id, method: method, headers: headers, endStream: frame.isEndStream)
    }

    private mutating func receiveMessage(_ frame: DealFrame) -> ReceiveAction {
        let id = frame.streamID
        guard var stream = self.streams[id] else {
            if id > self.highestStreamID {
                return self.connectionError(.internal, "MESSAGE on stream \(id), which was never opened")
            }
            // A call that already ended (cancelled, failed, answered): the client's frames were in flight.
            return .none
        }
        if stream.requestEnded {
            self.streams[id] = nil
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
        if size > stream.receiveWindow {
            self.streams[id] = nil
            return .failStream(
                streamID: id,
                trailers: Self.trailers(
                    streamID: id,
                    code: .resourceExhausted,
                    message: "flow control: \(size) bytes sent with \(stream.receiveWindow) bytes of window left"
                ),
                cancelHandler: true
            )
        }
        stream.receiveWindow -= size
        stream.requestEnded = frame.isEndStream
        var update: DealFrame? = nil
        // Grant more once half the window is used, so a steady sender never stalls on a round trip.
        if !stream.requestEnded && stream.receiveWindow <= self.limits.initialWindowSize / 2 {
            let increment = self.limits.initialWindowSize - stream.receiveWindow
            stream.receiveWindow += increment
            var message = Dealstore_V1_WindowUpdate()
            message.increment = UInt32(increment)
            update = Self.frame(.windowUpdate, streamID: id, message)
        }
        self.streams[id] = stream
        return .deliver(streamID: id, message: frame.payload, endStream: frame.isEndStream, windowUpdate: update)
    }

    private mutating func receiveWindowUpdate(_ frame: DealFrame) -> ReceiveAction {
        let id = frame.streamID
        guard var stream = self.streams[id] else {
            return .none
        }
        let increment: Int
        do {
            increment = Int(try frame.decodePayload(as: Dealstore_V1_WindowUpdate.self).increment)
        } catch {
            return self.connectionError(.internal, error.message)
        }
        guard increment > 0, stream.sendWindow + increment <= Int(Int32.max) else {
            return self.connectionError(
                .internal,
                "WINDOW_UPDATE of \(increment) on stream \(id) is zero or overflows the window"
            )
        }
        stream.sendWindow += increment
        var frames: [DealFrame] = []
        while let next = stream.pendingMessages.first, next.readableBytes <= stream.sendWindow {
            stream.pendingMessages.removeFirst()
            stream.pendingBytes -= next.readableBytes
            stream.sendWindow -= next.readableBytes
            frames.append(DealFrame(kind: .message, streamID: id, payload: next))
        }
        if stream.pendingMessages.isEmpty, let trailers = stream.pendingTrailers {
            frames.append(trailers)
            self.streams[id] = nil
            return .resume(streamID: id, frames: frames)
        }
        self.streams[id] = stream
        return .resume(streamID: id, frames: frames)
    }

    // MARK: Sending

    /// Whether a streaming call may produce another response without queueing.
    func isWritable(streamID: UInt32) -> Bool {
        guard let stream = self.streams[streamID] else { return false }
        return stream.pendingMessages.isEmpty && stream.sendWindow > 0
    }

    /// Bytes queued behind a stream's flow-control window.
    func pendingBytes(streamID: UInt32) -> Int {
        self.streams[streamID]?.pendingBytes ?? 0
    }

    mutating func send(message: ByteBuffer, streamID: UInt32) -> SendAction {
        guard var stream = self.streams[streamID], stream.pendingTrailers == nil else {
            return .drop
        }
        let size = message.readableBytes
        if stream.pendingMessages.isEmpty && size <= stream.sendWindow {
            stream.sendWindow -= size
            self.streams[streamID] = stream
            return .write(
                [DealFrame(kind: .message, streamID: streamID, payload: message)],
                writable: stream.sendWindow > 0
            )
        }
        stream.pendingMessages.append(message)
        stream.pendingBytes += size
        self.streams[streamID] = stream
        return .write([], writable: false)
    }

    /// What the handler does with a unary call's one response and OK status.
    enum UnaryAnswer: Equatable {
        /// The stream is gone: drop the answer.
        case drop
        /// Output is queued or the window is too small: take the general path (``send(message:streamID:)`` then
        /// ``finish(streamID:code:message:)``).
        case queue
        /// Write MESSAGE and TRAILERS OK now; the stream is closed. With `close`, close the connection after.
        case write(close: Bool)
    }

    /// Ends a unary call with its response and OK in one step, when nothing stands in the way.
    mutating func answerUnary(streamID: UInt32, messageSize: Int) -> UnaryAnswer {
        guard let stream = self.streams[streamID], stream.pendingTrailers == nil else {
            return .drop
        }
        guard stream.pendingMessages.isEmpty, messageSize <= stream.sendWindow else {
            return .queue
        }
        self.streams.removeValue(forKey: streamID)
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
        self.streams[streamID] = nil
        if self.isDraining && self.streams.isEmpty {
            self.phase = .closed
            return .writeAndClose([trailers])
        }
        return .write([trailers], writable: false)
    }

    /// The call's deadline passed: end it with DEADLINE_EXCEEDED, dropping anything still queued.
    mutating func deadlineExpired(streamID: UInt32) -> SendAction {
        guard var stream = self.streams[streamID] else {
            return .drop
        }
        stream.pendingMessages.removeAll()
        stream.pendingBytes = 0
        stream.pendingTrailers = nil
        self.streams[streamID] = stream
        return self.finish(streamID: streamID, code: .deadlineExceeded, message: "the call's deadline expired")
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
                return .writeAndClose([goAway])
            }
            return .write([goAway], writable: false)
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
        return .writeAndClose([goAway])
    }

    /// A connection error detected outside frame parsing (decoder error, output buffer cap, handshake timeout).
    mutating func fail(code: DealStatusCode, message: String) -> ReceiveAction {
        self.connectionError(code, message)
    }

    /// Every open stream, for cancelling their handlers when the connection goes away.
    mutating func closeAll() -> [UInt32] {
        self.phase = .closed
        let ids = Array(self.streams.keys)
        self.streams.removeAll()
        return ids
    }

    private mutating func connectionError(_ code: DealStatusCode, _ message: String) -> ReceiveAction {
        let wasOpen = self.phase != .closed
        self.phase = .closed
        let goAway = wasOpen ? Self.goAway(lastStreamID: self.highestStreamID, code: code, reason: message) : nil
        return .closeConnection(goAway: goAway, code: code, reason: message)
    }

    // MARK: Frames

    static func frame(_ kind: DealFrame.Kind, streamID: UInt32, _ message: some SwiftProtobuf.Message) -> DealFrame {
        // Generated control messages always encode; an empty payload keeps the connection going regardless.
        let payload = (try? DealFrame.encode(message)) ?? ByteBuffer()
        return DealFrame(kind: kind, streamID: streamID, payload: payload)
    }

    static func trailers(
        streamID: UInt32,
        code: DealStatusCode,
        message: String,
        metadata: [DealMetadataEntry] = []
    ) -> DealFrame {
        var trailers = Dealstore_V1_Trailers()
        trailers.code = code.rawValue
        trailers.message = message
        trailers.metadata = metadata.map(\.wire)
        var frame = Self.frame(.trailers, streamID: streamID, trailers)
        frame.flags = .endStream
        return frame
    }

    static func goAway(lastStreamID: UInt32, code: DealStatusCode, reason: String) -> DealFrame {
        var goAway = Dealstore_V1_GoAway()
        goAway.lastStreamID = lastStreamID
        goAway.code = code.rawValue
        goAway.reason = reason
        return Self.frame(.goAway, streamID: 0, goAway)
    }
}
