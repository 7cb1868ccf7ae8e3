import DealModel
import DealProtocol
import DealTLS
import Histogram
import NIOCore

/// The load loop of one connection, on its event loop: keeps `inFlight` calls open by issuing a new call each time
/// one completes, copies pre-encoded requests into one output buffer and flushes once per read burst, and records
/// each call's latency.
///
/// Nothing per call allocates: requests are templates with patched stream ids, start times live in a reused
/// dictionary, responses are framed in place and only a non-empty TRAILERS (an error) is decoded.
final class DealBenchConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder())
    /// Every template's bytes (this connection's own copy).
    private let arena: ByteBuffer
    /// The templates of every operation of the mix, one after the other.
    private let templates: [DealBenchCallTemplate]
    /// For each of the mix's 256 slots: where its operation's templates start in ``templates``, and how many.
    private let slotRanges: [(start: Int, count: Int)]
    private var random: DealBenchRandom
    private var context: ChannelHandlerContext?
    private var output = ByteBuffer()
    private var nextStreamID: UInt32 = 1
    private var startTimes: [UInt32: UInt64] = [:]
    private var plan: DealBenchPlan?
    private var measureFrom: UInt64 = 0
    private var end: UInt64 = 0
    private var uniqueCounter: UInt64 = 0
    private var result = DealBenchConnectionResult()
    private var inReadBurst = false
    private var readyPromise: EventLoopPromise<Void>?
    private var donePromise: EventLoopPromise<DealBenchConnectionResult>?
    private var failure: String?
    private var watchdog: Scheduled<Void>?

    init(workload: DealBenchWorkload, seed: UInt64, readyPromise: EventLoopPromise<Void>) {
        self.arena = workload.arena
        var templates: [DealBenchCallTemplate] = []
        var ranges: [DealBenchOperation: (start: Int, count: Int)] = [:]
        for (operation, pool) in workload.templates {
            ranges[operation] = (templates.count, pool.count)
            templates.append(contentsOf: pool)
        }
        self.templates = templates
        self.slotRanges = workload.slots.map { ranges[$0] ?? (0, 0) }
        self.random = DealBenchRandom(seed: seed)
        self.readyPromise = readyPromise
    }

    // MARK: Control (on the event loop)

    /// Starts a run; the future completes when the run's calls have all ended.
    func start(_ plan: DealBenchPlan, eventLoop: any EventLoop) -> EventLoopFuture<DealBenchConnectionResult> {
        let promise = eventLoop.makePromise(of: DealBenchConnectionResult.self)
        if let failure = self.failure {
            var result = DealBenchConnectionResult()
            result.recordError(code: -1, message: failure)
            promise.succeed(result)
            return promise.futureResult
        }
        self.plan = plan
        self.measureFrom = plan.measureFrom.uptimeNanoseconds
        self.end = plan.end.uptimeNanoseconds
        self.uniqueCounter = plan.uniqueBase
        self.result = DealBenchConnectionResult()
        self.donePromise = promise
        // A server that stops answering must not hang the benchmark: give up 10 s after the end.
        self.watchdog = eventLoop.assumeIsolated().scheduleTask(deadline: plan.end + .seconds(10)) { [weak self] in
            guard let self else { return }
            self.fail("\(self.startTimes.count) calls still open 10 s after the end of the run")
            self.context?.close(promise: nil)
        }
        let now = NIODeadline.now().uptimeNanoseconds
        for _ in 0..<plan.inFlight {
            self.issueCall(now: now)
        }
        self.flush()
        return promise.futureResult
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.output = context.channel.allocator.buffer(capacity: 64 * 1024)
        self.startTimes.reserveCapacity(1024)
        var hello = Dealstore_V1_Hello()
        hello.minVersion = DealProtocolVersion.current
        hello.maxVersion = DealProtocolVersion.current
        hello.agent = "dealbench/1"
        // The TLS handler holds this until its handshake completes.
        if let frame = try? DealFrame(kind: .hello, streamID: 0, message: hello) {
            frame.write(to: &self.output)
            self.flush()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let info) = event as? DealTLSEvent,
            info.alpnProtocol != DealProtocolVersion.alpnIdentifier
        {
            self.fail("the server did not negotiate ALPN \(DealProtocolVersion.alpnIdentifier); is it dealsd?")
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.inReadBurst = true
        do {
            try self.processor.process(buffer: Self.unwrapInboundIn(data)) { frame in
                self.handle(frame)
            }
        } catch {
            self.fail("cannot frame the server's bytes: \(error)")
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.inReadBurst = false
        self.flush()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.fail("the connection closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.fail("\(error)")
        context.close(promise: nil)
    }

    // MARK: Calls

    private func handle(_ frame: DealFrame) {
        switch frame.kind {
        case .message:
            self.result.responseBytes += frame.payload.readableBytes
        case .trailers:
            self.complete(frame)
        case .hello:
            self.readyPromise?.succeed()
            self.readyPromise = nil
        case .ping:
            DealFrame(kind: .pong, streamID: 0, payload: frame.payload).write(to: &self.output)
            if !self.inReadBurst { self.flush() }
        case .goAway:
            let message = (try? frame.decodePayload(as: Dealstore_V1_GoAway.self))?.reason ?? "?"
            self.fail("the server sent GOAWAY: \(message)")
        default:
            break
        }
    }

    private func complete(_ trailers: DealFrame) {
        guard let started = self.startTimes.removeValue(forKey: trailers.streamID) else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        if now >= self.measureFrom && now < self.end {
            if trailers.payload.readableBytes == 0 || Self.isOK(trailers.payload) {
                // An empty TRAILERS, or one with only metadata (the `revision` every answer now carries), is code
                // OK: the common case is never decoded.
                self.result.succeeded += 1
                self.result.histogram.record(now - started)
            } else {
                let decoded = try? trailers.decodePayload(as: Dealstore_V1_Trailers.self)
                if let decoded, decoded.code == 0 {
                    self.result.succeeded += 1
                    self.result.histogram.record(now - started)
                } else {
                    self.result.recordError(code: decoded?.code ?? -1, message: decoded?.message ?? "bad trailers")
                }
            }
        }
        if now < self.end {
            self.issueCall(now: now)
            if !self.inReadBurst { self.flush() }
        } else if self.startTimes.isEmpty {
            self.finishRun()
        }
    }

    /// Whether a TRAILERS payload is well-formed protobuf with no `code` (field 1) other than 0, read in place:
    /// decoding a `Trailers` message per call through SwiftProtobuf (to find the code OK beside a `revision`
    /// metadata entry) cost the client more than the rest of a call's bookkeeping.
    private static func isOK(_ payload: ByteBuffer) -> Bool {
        payload.withUnsafeReadableBytes { bytes in
            var reader = DealWireReader(bytes: bytes)
            while !reader.isAtEnd {
                guard let (field, wire) = reader.tag() else { return false }
                switch (field, wire) {
                case (1, 0):
                    guard reader.varint() == 0 else { return false }
                case (_, 0):
                    guard reader.varint() != nil else { return false }
                case (_, 2):
                    guard reader.lengthDelimited() != nil else { return false }
                default:
                    return false
                }
            }
            return true
        }
    }

    private func issueCall(now: UInt64) {
        let range = self.slotRanges[Int(self.random.next() & 0xFF)]
        let template = self.templates[range.start + self.random.below(range.count)]
        let streamID = self.nextStreamID
        self.nextStreamID &+= 1
        self.uniqueCounter &+= 1
        self.arena.withUnsafeReadableBytes { arena in
            template.write(from: arena, to: &self.output, streamID: streamID, unique: self.uniqueCounter)
        }
        self.startTimes[streamID] = now
    }

    private func flush() {
        guard let context = self.context, self.output.readableBytes > 0 else { return }
        context.writeAndFlush(Self.wrapOutboundOut(self.output), promise: nil)
        // The TLS handler has encrypted the bytes by now and let go of them, so clearing reuses the storage.
        self.output.clear()
    }

    private func finishRun() {
        self.plan = nil
        self.watchdog?.cancel()
        self.watchdog = nil
        let promise = self.donePromise
        self.donePromise = nil
        promise?.succeed(self.result)
    }

    private func fail(_ message: String) {
        if self.failure == nil { self.failure = message }
        self.readyPromise?.fail(DealBenchError(message))
        self.readyPromise = nil
        if self.donePromise != nil {
            // Calls still open are lost with the connection.
            for _ in self.startTimes { self.result.recordError(code: -1, message: message) }
            self.startTimes.removeAll()
            self.finishRun()
        }
    }
}
