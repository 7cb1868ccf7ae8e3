import DealProtocol
import NIOCore
import SwiftProtobuf
import Testing

@testable import DealServer

@Suite("Server connection state machine (no sockets)")
struct DealServerConnectionStateMachineTests {
    typealias Machine = DealServerConnectionStateMachine

    /// A frame carrying `message`: DealProtocol's throwing factory, with a failure (a bug in the test's own
    /// message) recorded as an issue so that the helpers below stay usable in expressions.
    static func frame(_ kind: DealFrame.Kind, streamID: UInt32, _ message: some SwiftProtobuf.Message) -> DealFrame {
        do {
            return try DealFrame(kind: kind, streamID: streamID, message: message)
        } catch {
            Issue.record(error, "cannot encode the test's \(kind) frame")
            return DealFrame(kind: kind, streamID: streamID)
        }
    }

    static func hello(min: UInt32 = 1, max: UInt32 = 1, window: UInt32 = 0) -> DealFrame {
        var hello = Dealstore_V1_Hello()
        hello.minVersion = min
        hello.maxVersion = max
        hello.initialWindowSize = window
        // A small window needs a frame size no larger than it (section 8).
        hello.maxFrameSize =
            window == 0 ? 0 : Swift.max(16 * 1024, Swift.min(window, UInt32(DealFrame.defaultMaximumPayloadSize)))
        return Self.frame(.hello, streamID: 0, hello)
    }

    static func headers(_ id: UInt32, _ method: DealMethod = .getDeal, endStream: Bool = false) -> DealFrame {
        var headers = Dealstore_V1_CallHeaders()
        headers.method = method.path
        var frame = Self.frame(.headers, streamID: id, headers)
        if endStream { frame.flags = .endStream }
        return frame
    }

    static func message(_ id: UInt32, bytes: Int, endStream: Bool = false) -> DealFrame {
        DealFrame(
            kind: .message,
            flags: endStream ? .endStream : [],
            streamID: id,
            payload: ByteBuffer(repeating: 1, count: bytes)
        )
    }

    static func ready(limits: DealConnectionLimits = DealConnectionLimits(), window: UInt32 = 0) -> Machine {
        var machine = Machine(limits: limits, agent: "test")
        _ = machine.receive(Self.hello(window: window), now: .now())
        return machine
    }

    static func trailersCode(_ frames: [DealFrame]) -> DealStatusCode? {
        guard let last = frames.last, last.kind == .trailers else { return nil }
        return (try? last.decodePayload(as: Dealstore_V1_Trailers.self)).map { DealStatusCode(rawValue: $0.code) }
    }

    static func goAwayCode(_ action: Machine.ReceiveAction) -> DealStatusCode? {
        if case .closeConnection(let goAway?, _, _) = action,
            let message = try? goAway.decodePayload(as: Dealstore_V1_GoAway.self)
        {
            return DealStatusCode(rawValue: message.code)
        }
        return nil
    }

    @Test("HELLO is answered with the chosen version and the server's limits")
    func helloAnswered() throws {
        var limits = DealConnectionLimits()
        limits.maximumConcurrentStreams = 7
        var machine = Machine(limits: limits, agent: "dealsd/test")
        guard case .write(let frames) = machine.receive(Self.hello(min: 1, max: 3), now: .now()) else {
            Issue.record("expected a HELLO answer")
            return
        }
        let answer: Dealstore_V1_Hello = try frames[0].decodePayload()
        #expect(answer.minVersion == 1 && answer.maxVersion == 1)
        #expect(answer.maxConcurrentStreams == 7)
        #expect(answer.agent == "dealsd/test")
        #expect(machine.phase == .active)
    }

    @Test(
        "anything but HELLO first is a connection error with GOAWAY",
        arguments: [
            DealFrame(kind: .ping, streamID: 0),
            Self.headers(1),
            DealFrame(kind: .hello, streamID: 0, payload: ByteBuffer(bytes: [0xFF, 0xFF])),
            Self.hello(min: 2, max: 5),
        ]
    )
    func badStart(frame: DealFrame) {
        var machine = Machine(limits: DealConnectionLimits(), agent: "test")
        let action = machine.receive(frame, now: .now())
        #expect(Self.goAwayCode(action) != nil)
        #expect(machine.phase == .closed)
    }

    @Test("a HELLO whose window is smaller than its frame size is refused with FAILED_PRECONDITION")
    func windowBelowFrameSize() {
        var machine = Machine(limits: DealConnectionLimits(), agent: "test")
        var hello = Dealstore_V1_Hello()
        hello.minVersion = 1
        hello.maxVersion = 1
        hello.initialWindowSize = 64 * 1024
        hello.maxFrameSize = 1 << 20
        #expect(
            Self.goAwayCode(machine.receive(Self.frame(.hello, streamID: 0, hello), now: .now()))
                == .failedPrecondition
        )
    }

    @Test("a second HELLO, TRAILERS from the client and non-increasing ids are connection errors")
    func connectionErrors() {
        for frame in [Self.hello(), Machine.trailers(streamID: 1, code: .ok, message: "")] {
            var machine = Self.ready()
            #expect(Self.goAwayCode(machine.receive(frame, now: .now())) == .internal)
        }
        var machine = Self.ready()
        _ = machine.receive(Self.headers(5), now: .now())
        #expect(Self.goAwayCode(machine.receive(Self.headers(3), now: .now())) == .internal)
    }

    @Test("a unary call: HEADERS starts it, MESSAGE delivers, the answer ends with TRAILERS")
    func unaryCall() {
        var machine = Self.ready()
        guard case .startCall(1, .getDeal, _, false) = machine.receive(Self.headers(1), now: .now()) else {
            Issue.record("expected startCall")
            return
        }
        guard case .deliver(1, _, true) = machine.receive(Self.message(1, bytes: 10, endStream: true), now: .now())
        else {
            Issue.record("expected deliver")
            return
        }
        guard case .write(let frames, _) = machine.send(message: ByteBuffer(repeating: 0, count: 20), streamID: 1)
        else {
            Issue.record("expected write")
            return
        }
        #expect(frames.map(\.kind) == [.message])
        guard case .write(let trailers, _) = machine.finish(streamID: 1, code: .ok, message: "") else {
            Issue.record("expected trailers")
            return
        }
        #expect(Self.trailersCode(trailers) == .ok)
        #expect(trailers[0].isEndStream)
        #expect(machine.openStreamCount == 0)
    }

    @Test("unknown methods and too many streams are stream errors, the connection lives on")
    func streamErrors() {
        var limits = DealConnectionLimits()
        limits.maximumConcurrentStreams = 1
        var machine = Self.ready(limits: limits)
        var unknown = Dealstore_V1_CallHeaders()
        unknown.method = "/nope.Service/Nope"
        guard case .write(let frames) = machine.receive(Self.frame(.headers, streamID: 1, unknown), now: .now())
        else {
            Issue.record("expected TRAILERS")
            return
        }
        #expect(Self.trailersCode(frames) == .unimplemented)
        _ = machine.receive(Self.headers(2), now: .now())
        guard case .write(let refused) = machine.receive(Self.headers(3), now: .now()) else {
            Issue.record("expected TRAILERS")
            return
        }
        #expect(Self.trailersCode(refused) == .resourceExhausted)
        #expect(machine.phase == .active)
    }

    @Test("responses beyond the client's window wait for WINDOW_UPDATE, and TRAILERS wait behind them")
    func flowControl() throws {
        var machine = Self.ready(window: 16 * 1024)
        _ = machine.receive(Self.headers(1, .exportDeals), now: .now())
        _ = machine.receive(Self.message(1, bytes: 0, endStream: true), now: .now())
        guard
            case .write(let first, let writable) = machine.send(
                message: ByteBuffer(repeating: 0, count: 16 * 1024),
                streamID: 1
            )
        else {
            Issue.record("expected write")
            return
        }
        #expect(first.count == 1 && writable == false)
        guard case .write(let queued, _) = machine.send(message: ByteBuffer(repeating: 0, count: 100), streamID: 1)
        else {
            Issue.record("expected queueing")
            return
        }
        #expect(queued.isEmpty)
        #expect(machine.pendingBytes(streamID: 1) == 100)
        guard case .write(let noTrailersYet, _) = machine.finish(streamID: 1, code: .ok, message: "") else {
            Issue.record("expected deferred trailers")
            return
        }
        #expect(noTrailersYet.isEmpty)
        var update = Dealstore_V1_WindowUpdate()
        update.increment = 1000
        guard
            case .resume(1, let released) = machine.receive(
                Self.frame(.windowUpdate, streamID: 1, update),
                now: .now()
            )
        else {
            Issue.record("expected resume")
            return
        }
        #expect(released.map(\.kind) == [.message, .trailers])
        #expect(machine.openStreamCount == 0)
    }

    @Test("a client overrunning its window gets RESOURCE_EXHAUSTED on that stream only")
    func receiveWindowOverrun() {
        var limits = DealConnectionLimits()
        limits.initialWindowSize = 1000
        var machine = Self.ready(limits: limits)
        _ = machine.receive(Self.headers(1, .importDeals), now: .now())
        guard case .failStream(1, let trailers, true) = machine.receive(Self.message(1, bytes: 1001), now: .now())
        else {
            Issue.record("expected a stream error")
            return
        }
        #expect(Self.trailersCode([trailers]) == .resourceExhausted)
        #expect(machine.phase == .active)
    }

    @Test("the server grants window once half is consumed")
    func windowUpdates() {
        var limits = DealConnectionLimits()
        limits.initialWindowSize = 1000
        var machine = Self.ready(limits: limits)
        _ = machine.receive(Self.headers(1, .importDeals), now: .now())
        _ = machine.receive(Self.message(1, bytes: 100), now: .now())
        _ = machine.receive(Self.message(1, bytes: 300), now: .now())
        #expect(machine.consumed(streamID: 1) == nil, "400 of 1000 consumed: no update yet")
        _ = machine.receive(Self.message(1, bytes: 200), now: .now())
        let update = machine.consumed(streamID: 1)
        #expect(update.flatMap { try? $0.decodePayload(as: Dealstore_V1_WindowUpdate.self) }?.increment == 600)
    }

    @Test("CANCEL stops the call and later frames for it are ignored")
    func cancel() {
        var machine = Self.ready()
        _ = machine.receive(Self.headers(1), now: .now())
        guard case .cancelCall(1) = machine.receive(DealFrame(kind: .cancel, streamID: 1), now: .now()) else {
            Issue.record("expected cancelCall")
            return
        }
        #expect(machine.receive(Self.message(1, bytes: 3), now: .now()) == .none)
        #expect(machine.send(message: ByteBuffer(), streamID: 1) == .drop)
    }

    @Test("deadline expiry ends the call with DEADLINE_EXCEEDED and drops queued output")
    func deadline() {
        var machine = Self.ready(window: 16 * 1024)
        _ = machine.receive(Self.headers(1, .watchDeals), now: .now())
        _ = machine.send(message: ByteBuffer(repeating: 0, count: 16 * 1024), streamID: 1)
        _ = machine.send(message: ByteBuffer(repeating: 0, count: 10), streamID: 1)
        guard case .write(let frames, _) = machine.deadlineExpired(streamID: 1) else {
            Issue.record("expected trailers")
            return
        }
        #expect(Self.trailersCode(frames) == .deadlineExceeded)
        #expect(frames.count == 1)
    }

    @Test("graceful shutdown: GOAWAY names the last stream, later calls are refused unprocessed, close after the last")
    func gracefulShutdown() throws {
        var machine = Self.ready()
        _ = machine.receive(Self.headers(3), now: .now())
        guard case .write(let frames, _) = machine.beginGracefulShutdown(reason: "bye") else {
            Issue.record("expected GOAWAY")
            return
        }
        let goAway: Dealstore_V1_GoAway = try frames[0].decodePayload()
        #expect(goAway.lastStreamID == 3 && goAway.code == 0)
        guard case .write(let refused) = machine.receive(Self.headers(5), now: .now()) else {
            Issue.record("expected refusal")
            return
        }
        #expect(Self.trailersCode(refused) == .unavailable)
        guard case .writeAndClose(let last) = machine.finish(streamID: 3, code: .ok, message: "") else {
            Issue.record("expected close after the last stream")
            return
        }
        #expect(Self.trailersCode(last) == .ok)
    }

    @Test("pings faster than the policy allows are tolerated up to the strike limit, then GOAWAY")
    func pingAbuse() {
        var limits = DealConnectionLimits()
        limits.minimumPingInterval = .seconds(10)
        limits.maximumPingStrikes = 2
        var machine = Self.ready(limits: limits)
        let start = NIODeadline.now()
        var actions: [Machine.ReceiveAction] = []
        for i in 0..<4 {
            actions.append(machine.receive(DealFrame(kind: .ping, streamID: 0), now: start + .milliseconds(Int64(i))))
        }
        #expect(actions.prefix(3).allSatisfy { if case .write = $0 { true } else { false } })
        #expect(Self.goAwayCode(actions[3]) == .resourceExhausted)
        var patient = Self.ready(limits: limits)
        for i in 0..<5 {
            let action = patient.receive(DealFrame(kind: .ping, streamID: 0), now: start + .seconds(Int64(11 * i)))
            #expect(Self.goAwayCode(action) == nil)
        }
    }

    @Test("idle timeout closes only a connection without open streams")
    func idle() {
        var machine = Self.ready()
        _ = machine.receive(Self.headers(1), now: .now())
        #expect(machine.idleTimeoutFired() == .drop)
        _ = machine.finish(streamID: 1, code: .ok, message: "")
        guard case .writeAndClose(let frames) = machine.idleTimeoutFired() else {
            Issue.record("expected GOAWAY and close")
            return
        }
        #expect(frames.map(\.kind) == [.goAway])
    }

    @Test("unknown frame types on a call stream are ignored; connection types on a call stream are errors")
    func extensionFrames() {
        var machine = Self.ready()
        _ = machine.receive(Self.headers(1), now: .now())
        #expect(machine.receive(DealFrame(kind: .init(rawValue: 0x42), streamID: 1), now: .now()) == .none)
        #expect(Self.goAwayCode(machine.receive(DealFrame(kind: .ping, streamID: 1), now: .now())) == .internal)
    }
}
