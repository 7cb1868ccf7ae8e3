import DealProtocol
import NIOCore
import SwiftProtobuf

/// The client side of one DealStore connection as a pure state machine: HELLO, stream ids, per-stream flow
/// control in both directions, and what a GOAWAY means for each open call.
///
/// No I/O and no clock: ``DealClientConnectionHandler`` feeds it and carries out what it returns, so the rules
/// are unit-tested without sockets.
struct DealClientConnectionStateMachine {
    enum Phase: Equatable {
        case awaitingHello
        case ready
        /// The server sent GOAWAY: no new streams; streams up to `lastStreamID` finish normally.
        case goingAway(lastStreamID: UInt32)
        case closed
    }

    struct StreamState {
        var sendWindow: DealFlowWindow
        var receiveWindow: DealFlowWindow
        /// Request messages waiting for window, the last flagged END_STREAM when the caller said so.
        var pending: [(payload: ByteBuffer, endStream: Bool)] = []
    }

    /// The server's announced limits.
    struct ServerSettings: Equatable {
        var maximumFrameSize = DealFrame.defaultMaximumPayloadSize
        var maximumConcurrentStreams = 100
        var initialWindowSize = DealFrame.defaultMaximumPayloadSize
        var minimumPingIntervalMillis: UInt32 = 0
        var agent = ""
    }

    enum ReceiveAction: Equatable {
        case none
        case ready(ServerSettings)
        case write([DealFrame])
        case message(streamID: UInt32, payload: ByteBuffer, windowUpdate: DealFrame?)
        /// TRAILERS: the status and the trailers' metadata (such as `revision`).
        case finished(streamID: UInt32, code: DealStatusCode, message: String, metadata: [DealMetadataEntry])
        /// The server will not process these streams: retry them elsewhere. Streams at or below the last id go on.
        case goAway(unprocessed: [UInt32], code: DealStatusCode, reason: String)
        /// Frames that were waiting for window may go now.
        case resume(streamID: UInt32, frames: [DealFrame])
        case closeConnection(goAway: DealFrame?, code: DealStatusCode, reason: String)
        /// The client cannot go on with the stream (a frame it must send could not be encoded): send the CANCEL,
        /// then end the call with `code` (INTERNAL) and `message`. The stream is already forgotten.
        case failStream(streamID: UInt32, code: DealStatusCode, message: String, cancel: DealFrame)
    }

    let initialWindowSize: Int
    let maximumFrameSize: Int
    private(set) var phase: Phase = .awaitingHello
    private(set) var settings = ServerSettings()
    private(set) var streams: [UInt32: StreamState] = [:]
    private(set) var nextStreamID: UInt32 = 1

    init(
        initialWindowSize: Int = DealFrame.defaultMaximumPayloadSize,
        maximumFrameSize: Int = DealFrame.defaultMaximumPayloadSize
    ) {
        self.initialWindowSize = initialWindowSize
        self.maximumFrameSize = maximumFrameSize
    }

    /// The HELLO that opens the connection.
    ///
    /// - Throws: ``DealRPCError`` (INTERNAL) when it cannot be encoded; the connection cannot start then.
    func hello(agent: String) throws(DealRPCError) -> DealFrame {
        var hello = Dealstore_V1_Hello()
        hello.minVersion = DealProtocolVersion.current
        hello.maxVersion = DealProtocolVersion.current
        hello.agent = agent
        hello.maxFrameSize = UInt32(self.maximumFrameSize)
        hello.initialWindowSize = UInt32(self.initialWindowSize)
        return try DealFrame(kind: .hello, streamID: 0, message: hello)
    }

    var canOpenStream: Bool {
        self.phase == .ready && self.streams.count < self.settings.maximumConcurrentStreams
    }

    var openStreamCount: Int {
        self.streams.count
    }

    /// Allocates the next stream id; `nil` when the connection cannot take another stream now.
    mutating func openStream() -> UInt32? {
        guard self.canOpenStream, self.nextStreamID < UInt32(Int32.max) else {
            return nil
        }
        let id = self.nextStreamID
        self.nextStreamID += 1
        self.streams[id] = StreamState(
            sendWindow: DealFlowWindow(
                initialSize: self.settings.initialWindowSize,
                largestMessage: self.settings.maximumFrameSize
            ),
            receiveWindow: DealFlowWindow(initialSize: self.initialWindowSize, largestMessage: self.maximumFrameSize)
        )
        return id
    }

    /// Why a request message of `size` bytes can never be sent on the stream (larger than the server accepts in
    /// one frame; messages are never split), or `nil` when it can.
    func refusal(ofRequest size: Int, streamID: UInt32) -> DealRPCError? {
        guard let stream = self.streams[streamID], !stream.sendWindow.fits(size) else { return nil }
        return DealRPCError(
            code: .resourceExhausted,
            message: "the request message is \(size) bytes, more than the server accepts in one message "
                + "(its max_frame_size \(self.settings.maximumFrameSize)); send less per message"
        )
    }

    /// Queues a request message; returns the frames the window allows now.
    mutating func send(_ payload: ByteBuffer, endStream: Bool, streamID: UInt32) -> [DealFrame] {
        guard var stream = self.streams[streamID] else { return [] }
        stream.pending.append((payload, endStream))
        let frames = Self.drain(&stream, streamID: streamID)
        self.streams[streamID] = stream
        return frames
    }

    /// Whether request messages are waiting for window on the stream.
    func isBlocked(streamID: UInt32) -> Bool {
        !(self.streams[streamID]?.pending.isEmpty ?? true)
    }

    /// The caller gave up on the stream: the CANCEL to send, if the stream was open.
    mutating func cancel(streamID: UInt32, reason: String) -> DealFrame? {
        guard self.streams.removeValue(forKey: streamID) != nil else { return nil }
        return Self.cancelFrame(streamID: streamID, reason: reason)
    }

    /// Every open stream, for failing their calls when the connection is gone.
    mutating func closeAll() -> [UInt32] {
        self.phase = .closed
        let ids = Array(self.streams.keys)
        self.streams.removeAll()
        return ids
    }

    mutating func receive(_ frame: DealFrame) -> ReceiveAction {
        if self.phase == .closed {
            return .none
        }
        if self.phase == .awaitingHello {
            return self.receiveHello(frame)
        }
        switch frame.kind {
        case .message:
            return self.receiveMessage(frame)
        case .trailers:
            guard self.streams.removeValue(forKey: frame.streamID) != nil else { return .none }
            do {
                let trailers: Dealstore_V1_Trailers = try frame.decodePayload(errorCode: .internal)
                return .finished(
                    streamID: frame.streamID,
                    code: DealStatusCode(rawValue: trailers.code),
                    message: trailers.message,
                    metadata: trailers.metadata.map { DealMetadataEntry(key: $0.key, value: Array($0.value)) }
                )
            } catch {
                return .finished(streamID: frame.streamID, code: .internal, message: error.message, metadata: [])
            }
        case .windowUpdate:
            guard var stream = self.streams[frame.streamID] else { return .none }
            guard let update = try? frame.decodePayload(as: Dealstore_V1_WindowUpdate.self),
                stream.sendWindow.grant(update.increment)
            else {
                return self.connectionError(
                    .internal,
                    "the server sent a WINDOW_UPDATE on stream \(frame.streamID) that is malformed, zero or "
                        + "overflows the window"
                )
            }
            let frames = Self.drain(&stream, streamID: frame.streamID)
            self.streams[frame.streamID] = stream
            return .resume(streamID: frame.streamID, frames: frames)
        case .ping:
            return .write([DealFrame(kind: .pong, streamID: 0, payload: frame.payload)])
        case .pong:
            return .none
        case .goAway:
            return self.receiveGoAway(frame)
        case .hello:
            return self.connectionError(.internal, "the server sent a second HELLO")
        default:
            return .none
        }
    }

    private mutating func receiveHello(_ frame: DealFrame) -> ReceiveAction {
        if frame.kind == .goAway {
            let goAway = try? frame.decodePayload(as: Dealstore_V1_GoAway.self)
            self.phase = .closed
            return .closeConnection(
                goAway: nil,
                code: DealStatusCode(rawValue: goAway?.code ?? DealStatusCode.unavailable.rawValue),
                reason: goAway?.reason ?? "the server refused the connection"
            )
        }
        guard frame.kind == .hello, frame.streamID == 0 else {
            return self.connectionError(.internal, "expected the server's HELLO, got \(frame.kind)")
        }
        let hello: Dealstore_V1_Hello
        do {
            hello = try frame.decodePayload(errorCode: .internal)
        } catch {
            return self.connectionError(.internal, error.message)
        }
        guard hello.minVersion == DealProtocolVersion.current, hello.maxVersion == DealProtocolVersion.current else {
            return self.connectionError(
                .failedPrecondition,
                "the server chose protocol version \(hello.minVersion); this client speaks \(DealProtocolVersion.current)"
            )
        }
        if hello.maxFrameSize != 0 { self.settings.maximumFrameSize = Int(hello.maxFrameSize) }
        if hello.maxConcurrentStreams != 0 { self.settings.maximumConcurrentStreams = Int(hello.maxConcurrentStreams) }
        if hello.initialWindowSize != 0 { self.settings.initialWindowSize = Int(hello.initialWindowSize) }
        self.settings.minimumPingIntervalMillis = hello.minPingIntervalMillis
        self.settings.agent = hello.agent
        self.phase = .ready
        return .ready(self.settings)
    }

    private mutating func receiveMessage(_ frame: DealFrame) -> ReceiveAction {
        guard var stream = self.streams[frame.streamID] else {
            return .none
        }
        let size = frame.payload.readableBytes
        guard stream.receiveWindow.receive(size) else {
            return self.connectionError(.internal, "the server overran the window of stream \(frame.streamID)")
        }
        var update: DealFrame?
        // The response stream buffers what the caller has not read yet; the client counts a message consumed
        // once it is handed over, as the protocol allows (section 8).
        if let increment = stream.receiveWindow.consume(size) {
            var message = Dealstore_V1_WindowUpdate()
            message.increment = increment
            do {
                update = try DealFrame(kind: .windowUpdate, streamID: frame.streamID, message: message)
            } catch {
                // Without the update the server could never send more on this stream: give it up, INTERNAL.
                self.streams[frame.streamID] = nil
                return .failStream(
                    streamID: frame.streamID,
                    code: error.code,
                    message: error.message,
                    cancel: Self.cancelFrame(streamID: frame.streamID, reason: error.message)
                )
            }
        }
        self.streams[frame.streamID] = stream
        return .message(streamID: frame.streamID, payload: frame.payload, windowUpdate: update)
    }

    private mutating func receiveGoAway(_ frame: DealFrame) -> ReceiveAction {
        let goAway = (try? frame.decodePayload(as: Dealstore_V1_GoAway.self)) ?? Dealstore_V1_GoAway()
        let last = goAway.lastStreamID
        let unprocessed = self.streams.keys.filter { $0 > last }.sorted()
        for id in unprocessed {
            self.streams[id] = nil
        }
        self.phase = .goingAway(lastStreamID: last)
        return .goAway(unprocessed: unprocessed, code: DealStatusCode(rawValue: goAway.code), reason: goAway.reason)
    }

    private mutating func connectionError(_ code: DealStatusCode, _ reason: String) -> ReceiveAction {
        self.phase = .closed
        var goAway = Dealstore_V1_GoAway()
        goAway.code = code.rawValue
        goAway.reason = reason
        // A GOAWAY that cannot be encoded is left out: the connection closes without one (an abrupt close).
        return .closeConnection(
            goAway: try? DealFrame(kind: .goAway, streamID: 0, message: goAway),
            code: code,
            reason: reason
        )
    }

    private static func drain(_ stream: inout StreamState, streamID: UInt32) -> [DealFrame] {
        var frames: [DealFrame] = []
        while let next = stream.pending.first, stream.sendWindow.take(next.payload.readableBytes) {
            stream.pending.removeFirst()
            frames.append(
                DealFrame(
                    kind: .message,
                    flags: next.endStream ? .endStream : [],
                    streamID: streamID,
                    payload: next.payload
                )
            )
        }
        return frames
    }

    /// CANCEL for `streamID` saying `reason`; without the reason if that cannot be encoded, since the protocol
    /// allows an empty CANCEL (wire.proto) and the stream must be abandoned either way.
    static func cancelFrame(streamID: UInt32, reason: String) -> DealFrame {
        var cancel = Dealstore_V1_Cancel()
        cancel.reason = reason
        do {
            return try DealFrame(kind: .cancel, streamID: streamID, message: cancel)
        } catch {
            return DealFrame(kind: .cancel, streamID: streamID)
        }
    }
}
