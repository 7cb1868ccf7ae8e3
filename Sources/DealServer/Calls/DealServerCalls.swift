import DealProtocol
import NIOCore
import SwiftProtobuf

/// A call with exactly one request message, handled once the client ends its requests.
final class DealUnaryCall<Request: SwiftProtobuf.Message>: DealServerCall {
    private let writer: DealServerCallWriter
    private let handle: (Request) -> Void
    private var request: ByteBuffer?
    private var done = false

    init(writer: DealServerCallWriter, handle: @escaping (Request) -> Void) {
        self.writer = writer
        self.handle = handle
    }

    func receive(_ message: ByteBuffer, endStream: Bool) {
        guard !self.done else { return }
        if self.request != nil {
            self.done = true
            self.writer.finish(code: .invalidArgument, message: "this method takes exactly one request message")
            return
        }
        self.request = message
        if endStream {
            self.run()
        }
    }

    func endRequests() {
        self.run()
    }

    func cancel() {
        self.done = true
    }

    func writable() {}

    private func run() {
        guard !self.done else { return }
        self.done = true
        guard let buffer = self.request else {
            self.writer.finish(code: .invalidArgument, message: "the call ended without its request message")
            return
        }
        do {
            self.handle(try DealFrame.decode(Request.self, from: buffer, what: "request"))
        } catch {
            self.writer.finish(error)
        }
    }
}

/// A call with any number of request messages and one response. Each request is decoded as it arrives (so a
/// malformed one fails the call at once) and kept as bytes, up to a number of messages and of bytes; the
/// completion decodes them again as it uses them (``DealReceivedRequests``).
final class DealClientStreamingCall<Request: SwiftProtobuf.Message>: DealServerCall {
    private let writer: DealServerCallWriter
    private let maximumRequests: Int
    private let maximumBytes: DealRequestByteLimit?
    private let complete: (DealReceivedRequests<Request>) -> Void
    private var requests = DealReceivedRequests<Request>()
    private var bytes = 0
    private var done = false

    init(
        writer: DealServerCallWriter,
        maximumRequests: Int,
        maximumBytes: DealRequestByteLimit? = nil,
        complete: @escaping (DealReceivedRequests<Request>) -> Void
    ) {
        self.writer = writer
        self.maximumRequests = maximumRequests
        self.maximumBytes = maximumBytes
        self.complete = complete
    }

    func receive(_ message: ByteBuffer, endStream: Bool) {
        guard !self.done else { return }
        self.bytes += message.readableBytes
        if let limit = self.maximumBytes, self.bytes > limit.bytes {
            // Checked before decoding: the call's messages are dropped at once, not kept to the end.
            self.done = true
            self.requests = DealReceivedRequests()
            self.writer.finish(
                code: .resourceExhausted,
                message: "more than \(limit.bytes) bytes of request messages in one call (\(limit.setting)); "
                    + "split the input into smaller calls"
            )
            return
        }
        do {
            let decoded = try DealFrame.decode(Request.self, from: message, what: "request \(self.requests.count)")
            // An exact copy: the message may be a slice of the connection's read buffer, which it would pin.
            self.requests.append(ByteBuffer(bytes: message.readableBytesView), decoded: decoded)
        } catch {
            self.done = true
            self.requests = DealReceivedRequests()
            self.writer.finish(error)
            return
        }
        if self.requests.count > self.maximumRequests {
            self.done = true
            self.requests = DealReceivedRequests()
            self.writer.finish(
                code: .resourceExhausted,
                message: "more than \(self.maximumRequests) messages in one call; split the input"
            )
            return
        }
        if endStream {
            self.endRequests()
        }
    }

    func endRequests() {
        guard !self.done else { return }
        self.done = true
        let requests = self.requests
        self.requests = DealReceivedRequests()
        self.complete(requests)
    }

    func cancel() {
        self.done = true
        self.requests = DealReceivedRequests()
    }

    func writable() {}
}

/// A server-streaming call that sends a known list of responses as fast as flow control allows, producing each
/// one only when it is sent (an export decodes each record then).
final class DealListStreamingCall<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>: DealServerCall {
    private let writer: DealServerCallWriter
    private let produce: (Request) throws -> DealLazyResponses<Response>
    private var responses = DealLazyResponses<Response>.empty
    private var next = 0
    private var request: ByteBuffer?
    private var state = State.waitingForRequest

    private enum State {
        case waitingForRequest
        case sending
        case done
    }

    init(writer: DealServerCallWriter, produce: @escaping (Request) throws -> DealLazyResponses<Response>) {
        self.writer = writer
        self.produce = produce
    }

    func receive(_ message: ByteBuffer, endStream: Bool) {
        guard self.state == .waitingForRequest else { return }
        self.request = message
        if endStream {
            self.endRequests()
        }
    }

    func endRequests() {
        guard self.state == .waitingForRequest else { return }
        do {
            let request = try DealFrame.decode(Request.self, from: self.request ?? ByteBuffer(), what: "request")
            self.responses = try self.produce(request)
        } catch {
            self.state = .done
            self.writer.finish(error)
            return
        }
        self.state = .sending
        self.pump()
    }

    func cancel() {
        self.state = .done
        self.responses = .empty
    }

    func writable() {
        self.pump()
    }

    private func pump() {
        guard self.state == .sending else { return }
        while self.next < self.responses.count {
            let response: Response
            do {
                response = try self.responses.response(self.next)
            } catch {
                self.state = .done
                self.responses = .empty
                self.writer.finish(error)
                return
            }
            self.writer.send(response)
            self.next += 1
            if !self.writer.isWritable {
                // Flow control: the connection calls writable() when the client grants more window.
                return
            }
        }
        self.state = .done
        self.responses = .empty
        self.writer.finishOK()
    }
}

/// A server-streaming call whose responses come from async work (a change feed), run by the task runner until
/// the work ends or the call is cancelled.
final class DealAsyncStreamingCall<Request: SwiftProtobuf.Message>: DealServerCall {
    private let writer: DealServerCallWriter
    private let runner: DealServerTaskRunner
    private let start: @Sendable (Request, DealServerCallWriter, DealServerStreamPacer) async -> Void
    private let signal = DealCancellationSignal()
    private let pacer = DealServerStreamPacer()
    private var request: ByteBuffer?
    private var started = false

    init(
        writer: DealServerCallWriter,
        runner: DealServerTaskRunner,
        start: @escaping @Sendable (Request, DealServerCallWriter, DealServerStreamPacer) async -> Void
    ) {
        self.writer = writer
        self.runner = runner
        self.start = start
    }

    func receive(_ message: ByteBuffer, endStream: Bool) {
        self.request = message
        if endStream {
            self.endRequests()
        }
    }

    func endRequests() {
        guard !self.started else { return }
        self.started = true
        let request: Request
        do {
            request = try DealFrame.decode(Request.self, from: self.request ?? ByteBuffer(), what: "request")
        } catch {
            self.writer.finish(error)
            return
        }
        let writer = self.writer
        let start = self.start
        let signal = self.signal
        let pacer = self.pacer
        self.runner.submit {
            await signal.race {
                await start(request, writer, pacer)
            }
        }
    }

    func cancel() {
        self.pacer.end()
        self.signal.cancel()
    }

    func writable() {
        self.pacer.writable()
    }
}
