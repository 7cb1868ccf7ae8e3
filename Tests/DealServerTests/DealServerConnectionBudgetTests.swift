import DealProtocol
import Foundation
import NIOCore
import Testing

@testable import DealServer

/// The memory budget, flow control on consumption and the connection's timers, on the state machine alone.
@Suite("Server connection budget and timers (no sockets)")
struct DealServerConnectionBudgetTests {
    typealias Machine = DealServerConnectionStateMachine
    typealias Support = DealServerConnectionStateMachineTests

    static func trailers(_ action: Machine.ReceiveAction) -> Dealstore_V1_Trailers? {
        switch action {
        case .failStream(_, let trailers, _):
            return try? trailers.decodePayload(as: Dealstore_V1_Trailers.self)
        case .write(let frames) where frames.last?.kind == .trailers:
            return try? frames.last?.decodePayload(as: Dealstore_V1_Trailers.self)
        default:
            return nil
        }
    }

    static func trailers(_ action: Machine.SendAction) -> Dealstore_V1_Trailers? {
        switch action {
        case .write(let frames, _), .writeAndClose(let frames):
            guard frames.last?.kind == .trailers else { return nil }
            return try? frames.last?.decodePayload(as: Dealstore_V1_Trailers.self)
        case .drop:
            return nil
        }
    }

    static func ready(
        limits: DealConnectionLimits,
        budget: DealServerBudget? = nil,
        hello: DealFrame? = nil
    )
        -> Machine
    {
        var machine = Machine(limits: limits, agent: "test", budget: budget)
        _ = machine.receive(hello ?? Support.hello(), now: .now())
        return machine
    }

    @Test("window comes back when the call consumes the messages, not when they arrive")
    func windowOnConsumption() {
        var limits = DealConnectionLimits()
        limits.initialWindowSize = 1000
        var machine = Self.ready(limits: limits)
        _ = machine.receive(Support.headers(1, .importDeals), now: .now())
        guard case .deliver(1, _, false) = machine.receive(Support.message(1, bytes: 600), now: .now()) else {
            Issue.record("expected the message delivered")
            return
        }
        // Not consumed: the 400 bytes left are all the client may send, however long it waits.
        guard case .failStream(1, _, true) = machine.receive(Support.message(1, bytes: 500), now: .now()) else {
            Issue.record("expected an overrun: the window must not have been granted on receipt")
            return
        }
        var second = Self.ready(limits: limits)
        _ = second.receive(Support.headers(1, .importDeals), now: .now())
        _ = second.receive(Support.message(1, bytes: 600), now: .now())
        let update = second.consumed(streamID: 1)
        #expect(update.flatMap { try? $0.decodePayload(as: Dealstore_V1_WindowUpdate.self) }?.increment == 600)
        guard case .deliver(1, _, false) = second.receive(Support.message(1, bytes: 900), now: .now()) else {
            Issue.record("consumed bytes were granted back: 1000 bytes of window again")
            return
        }
    }

    @Test("held request bytes past the connection's budget end the call with RESOURCE_EXHAUSTED naming the limit")
    func connectionRequestBudget() {
        var limits = DealConnectionLimits()
        limits.maximumRequestBytes = 1000
        let budget = DealServerBudget(limits: limits)
        var machine = Self.ready(limits: limits, budget: budget)
        _ = machine.receive(Support.headers(1, .healthCheck), now: .now())
        _ = machine.receive(Support.headers(2, .healthCheck), now: .now())
        guard case .deliver(1, _, false) = machine.receive(Support.message(1, bytes: 800), now: .now()) else {
            Issue.record("expected the first message held")
            return
        }
        // The message and both calls' headers are held while the requests wait.
        let held = 800 + 2 * Support.headers(1, .healthCheck).payload.readableBytes
        #expect(machine.heldRequestBytes == held)
        #expect(budget.heldRequestBytes == held)
        let refused = machine.receive(Support.message(2, bytes: 300), now: .now())
        let status = Self.trailers(refused)
        #expect(status?.code == DealStatusCode.resourceExhausted.rawValue)
        #expect(status?.message.contains("limits.max_request_buffer_mb") == true)
        #expect(machine.phase == .active)
        // The held call ends: everything it held is released.
        _ = machine.finish(streamID: 1, code: .ok, message: "")
        #expect(machine.heldRequestBytes == 0)
        #expect(budget.heldRequestBytes == 0)
    }

    @Test("headers of a call waiting for its request are held bytes too: huge metadata cannot dodge the budget")
    func headersCountAsHeld() throws {
        var limits = DealConnectionLimits()
        limits.maximumRequestBytes = 64 * 1024
        // HEADERS this large are refused outright by default (limits.max_headers_bytes); allowed here to reach
        // the held-bytes budget.
        limits.maximumHeadersBytes = 64 * 1024
        let budget = DealServerBudget(limits: limits)
        var machine = Self.ready(limits: limits, budget: budget)
        var headers = Dealstore_V1_CallHeaders()
        headers.method = DealMethod.healthCheck.path
        var entry = Dealstore_V1_MetadataEntry()
        entry.key = "x-padding"
        entry.value = Data(repeating: 0x41, count: 40 * 1024)
        headers.metadata = [entry]
        let big = try DealFrame(kind: .headers, streamID: 1, message: headers)
        guard case .startCall(1, _, _, false) = machine.receive(big, now: .now()) else {
            Issue.record("the first call fits")
            return
        }
        #expect(budget.heldRequestBytes == big.payload.readableBytes)
        let refused = machine.receive(try DealFrame(kind: .headers, streamID: 3, message: headers), now: .now())
        #expect(Self.trailers(refused)?.message.contains("limits.max_request_buffer_mb") == true)
        #expect(budget.openIncompleteStreams == 1, "the refused call gave its place back")
        _ = machine.receive(Support.message(1, bytes: 10, endStream: true), now: .now())
        #expect(budget.heldRequestBytes == 0, "the request ended: its headers no longer count as waiting")
    }

    @Test("the server-wide budget is shared: one connection's held bytes refuse another's, closing releases them")
    func serverRequestBudget() {
        var limits = DealConnectionLimits()
        limits.maximumServerRequestBytes = 1000
        let budget = DealServerBudget(limits: limits)
        var first = Self.ready(limits: limits, budget: budget)
        var second = Self.ready(limits: limits, budget: budget)
        _ = first.receive(Support.headers(1, .healthCheck), now: .now())
        _ = first.receive(Support.message(1, bytes: 800), now: .now())
        _ = second.receive(Support.headers(1, .healthCheck), now: .now())
        let status = Self.trailers(second.receive(Support.message(1, bytes: 300), now: .now()))
        #expect(status?.code == DealStatusCode.resourceExhausted.rawValue)
        #expect(status?.message.contains("limits.max_server_request_buffer_mb") == true)
        // A complete request holds nothing, so it is served whatever the budget.
        _ = second.receive(Support.headers(3, .healthCheck), now: .now())
        guard case .deliver(3, _, true) = second.receive(Support.message(3, bytes: 300, endStream: true), now: .now())
        else {
            Issue.record("a complete request must be delivered")
            return
        }
        _ = first.closeAll()
        #expect(budget.heldRequestBytes == 0)
        _ = second.receive(Support.headers(5, .healthCheck), now: .now())
        guard case .deliver(5, _, false) = second.receive(Support.message(5, bytes: 300), now: .now()) else {
            Issue.record("the budget was released when the first connection closed")
            return
        }
    }

    @Test("partial frames count against the server-wide budget: past it the connection gets GOAWAY")
    func partialFrames() {
        var limits = DealConnectionLimits()
        limits.maximumServerRequestBytes = 1000
        let budget = DealServerBudget(limits: limits)
        var first = Self.ready(limits: limits, budget: budget)
        var second = Self.ready(limits: limits, budget: budget)
        #expect(first.partialFrame(bytes: 800) == .none)
        #expect(Support.goAwayCode(second.partialFrame(bytes: 300)) == .resourceExhausted)
        #expect(first.partialFrame(bytes: 0) == .none)
        #expect(budget.heldRequestBytes == 0)
    }

    @Test("streams whose request has not ended are limited per connection; complete ones are not")
    func incompleteStreams() {
        var limits = DealConnectionLimits()
        limits.maximumIncompleteStreams = 2
        let budget = DealServerBudget(limits: limits)
        var machine = Self.ready(limits: limits, budget: budget)
        _ = machine.receive(Support.headers(1, .healthCheck), now: .now())
        _ = machine.receive(Support.headers(2, .healthCheck), now: .now())
        let status = Self.trailers(machine.receive(Support.headers(3, .healthCheck), now: .now()))
        #expect(status?.code == DealStatusCode.resourceExhausted.rawValue)
        #expect(status?.message.contains("limits.max_incomplete_streams") == true)
        guard
            case .startCall(4, _, _, true) = machine.receive(
                Support.headers(4, .importDeals, endStream: true),
                now: .now()
            )
        else {
            Issue.record("a call whose request ended with HEADERS is not incomplete")
            return
        }
        _ = machine.receive(Support.message(1, bytes: 10, endStream: true), now: .now())
        #expect(budget.openIncompleteStreams == 1)
        guard case .startCall(5, _, _, false) = machine.receive(Support.headers(5, .healthCheck), now: .now()) else {
            Issue.record("stream 1's request ended: its place is free")
            return
        }
    }

    @Test("a connection that sends no HELLO within the timeout after the handshake gets GOAWAY DEADLINE_EXCEEDED")
    func helloDeadline() {
        var limits = DealConnectionLimits()
        limits.helloTimeout = .seconds(5)
        let start = NIODeadline.now()
        var silent = Machine(limits: limits, agent: "test")
        #expect(silent.nextTimerDeadline == nil, "the clock starts with the TLS handshake")
        silent.transportReady(now: start)
        #expect(silent.nextTimerDeadline == start + .seconds(5))
        #expect(silent.expireTimers(now: start + .seconds(4)).isEmpty)
        let expired = silent.expireTimers(now: start + .seconds(5))
        guard case .connection(let action)? = expired.first else {
            Issue.record("expected the connection ended")
            return
        }
        #expect(Support.goAwayCode(action) == .deadlineExceeded)
        #expect(silent.phase == .closed)
        var polite = Machine(limits: limits, agent: "test")
        polite.transportReady(now: start)
        _ = polite.receive(Support.hello(), now: start + .seconds(1))
        #expect(polite.nextTimerDeadline == nil)
        #expect(polite.expireTimers(now: start + .seconds(60)).isEmpty)
        #expect(polite.phase == .active)
    }

    @Test("a request without progress for the request-body timeout ends with RESOURCE_EXHAUSTED and frees its bytes")
    func requestBodyTimeout() {
        var limits = DealConnectionLimits()
        limits.requestBodyTimeout = .seconds(10)
        let budget = DealServerBudget(limits: limits)
        let start = NIODeadline.now()
        var machine = Machine(limits: limits, agent: "test", budget: budget)
        _ = machine.receive(Support.hello(), now: start)
        _ = machine.receive(Support.headers(1, .healthCheck), now: start)
        _ = machine.receive(Support.headers(2, .healthCheck, endStream: true), now: start)
        _ = machine.receive(Support.message(1, bytes: 500), now: start + .seconds(5))
        #expect(machine.expireTimers(now: start + .seconds(12)).isEmpty, "the MESSAGE at 5 s was progress")
        let expired = machine.expireTimers(now: start + .seconds(15))
        #expect(expired.count == 1)
        guard case .stream(1, .resourceExhausted, let action)? = expired.first else {
            Issue.record("expected stream 1 ended")
            return
        }
        #expect(Self.trailers(action)?.message.contains("limits.request_body_timeout_seconds") == true)
        #expect(budget.heldRequestBytes == 0)
        #expect(budget.openIncompleteStreams == 0)
        #expect(machine.openStreamCount == 1, "stream 2's request had ended: it is not timed out")
    }

    @Test("a call's deadline is kept by the machine and ends the call with DEADLINE_EXCEEDED")
    func callDeadline() throws {
        let start = NIODeadline.now()
        var machine = Machine(limits: DealConnectionLimits(), agent: "test")
        _ = machine.receive(Support.hello(), now: start)
        var headers = Dealstore_V1_CallHeaders()
        headers.method = DealMethod.watchDeals.path
        headers.timeoutMicros = 2_000_000
        var frame = try DealFrame(kind: .headers, streamID: 1, message: headers)
        frame.flags = .endStream
        _ = machine.receive(frame, now: start)
        #expect(machine.nextTimerDeadline == start + .seconds(2))
        #expect(machine.expireTimers(now: start + .seconds(1)).isEmpty)
        guard case .stream(1, .deadlineExceeded, let action)? = machine.expireTimers(now: start + .seconds(2)).first
        else {
            Issue.record("expected the deadline to end the call")
            return
        }
        #expect(Self.trailers(action)?.code == DealStatusCode.deadlineExceeded.rawValue)
        #expect(machine.openStreamCount == 0)
    }

    @Test("a response larger than the client's max_frame_size ends the call with RESOURCE_EXHAUSTED, never a hang")
    func responseOverPeerFrameSize() {
        let hello = Support.hello(window: 16 * 1024)
        var machine = Self.ready(limits: DealConnectionLimits(), hello: hello)
        _ = machine.receive(Support.headers(1, .listDeals, endStream: true), now: .now())
        #expect(machine.answerUnary(streamID: 1, messageSize: 20_000) == .queue)
        let action = machine.send(message: ByteBuffer(repeating: 0, count: 20_000), streamID: 1)
        let status = Self.trailers(action)
        #expect(status?.code == DealStatusCode.resourceExhausted.rawValue)
        #expect(status?.message.contains("max_frame_size") == true)
        #expect(machine.openStreamCount == 0)
        if case .write(let frames, _) = action {
            #expect(!frames.contains { $0.kind == .message }, "no oversize frame may be written")
        }
    }

    @Test("responses queued behind a closed window are capped by the output buffer")
    func queuedOutputCap() {
        var limits = DealConnectionLimits()
        limits.maximumOutputBuffer = 40 * 1024
        var machine = Self.ready(limits: limits, hello: Support.hello(window: 16 * 1024))
        _ = machine.receive(Support.headers(1, .exportDeals, endStream: true), now: .now())
        _ = machine.send(message: ByteBuffer(repeating: 0, count: 16 * 1024), streamID: 1)
        _ = machine.send(message: ByteBuffer(repeating: 0, count: 16 * 1024), streamID: 1)
        _ = machine.send(message: ByteBuffer(repeating: 0, count: 16 * 1024), streamID: 1)
        #expect(machine.queuedOutputBytes == 32 * 1024)
        let status = Self.trailers(machine.send(message: ByteBuffer(repeating: 0, count: 16 * 1024), streamID: 1))
        #expect(status?.code == DealStatusCode.resourceExhausted.rawValue)
        #expect(status?.message.contains("limits.max_output_buffer_mb") == true)
        #expect(machine.queuedOutputBytes == 0)
    }
}

@Suite("Server-wide budget shared across threads")
struct DealServerBudgetTests {
    @Test("reservations from many threads at once never take a tally past its limit, and releases restore it")
    func concurrentReservations() async {
        var limits = DealConnectionLimits()
        limits.maximumServerRequestBytes = 1000
        limits.maximumServerIncompleteStreams = 100
        let budget = DealServerBudget(limits: limits)
        let granted = await withTaskGroup(of: (bytes: Int, streams: Int).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var bytes = 0
                    var streams = 0
                    for _ in 0..<1000 {
                        if budget.reserveRequestBytes(3) { bytes += 3 }
                        if budget.reserveIncompleteStream() { streams += 1 }
                    }
                    return (bytes, streams)
                }
            }
            var total = (bytes: 0, streams: 0)
            for await result in group {
                total.bytes += result.bytes
                total.streams += result.streams
            }
            return total
        }
        #expect(granted.bytes == 999, "as many 3-byte reservations as fit in 1000 bytes")
        #expect(granted.streams == 100)
        #expect(budget.heldRequestBytes == 999)
        budget.releaseRequestBytes(999)
        for _ in 0..<100 { budget.releaseIncompleteStream() }
        #expect(budget.heldRequestBytes == 0)
        #expect(budget.openIncompleteStreams == 0)
        #expect(budget.updateOutputBytes(from: 0, to: limits.maximumServerOutputBytes))
        #expect(!budget.updateOutputBytes(from: 0, to: 1), "one byte past the output limit")
    }
}
