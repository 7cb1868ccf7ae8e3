import DealProtocol
import DealStore
import NIOCore

/// A call that asked for a `min-revision` this node has not published yet, held until the store publishes it.
///
/// The store wakes the wait when it publishes the revision (no polling); the call then runs as if it had just
/// arrived. If the revision is not reached by `waitLimit` (shortly before the call's deadline, or the server's
/// bound for calls without one), the call is answered UNAVAILABLE naming both revisions, so a client can retry on
/// another node before its own deadline fires.
///
/// While waiting, request messages the call will read before its work starts are passed on at once (a client
/// stream accumulates as usual, under its own limits); only the request's end (the last message, or the empty
/// END_STREAM) is held, so the wait holds one message at most.
///
/// Used only on its connection's event loop, like every ``DealServerCall``.
final class DealRevisionGatedCall: DealServerCall {
    private enum State {
        case waiting
        case released
        case done
    }

    private enum HeldEnd {
        case message(ByteBuffer)
        case endRequests
    }

    private let call: any DealServerCall
    private let writer: DealServerCallWriter
    private let store: DealStore
    private let minimumRevision: UInt64
    private let waits: DealRevisionWaitCounter
    private let waitedSince: NIODeadline
    private var state = State.waiting
    private var held: HeldEnd?
    private var wait: DealRevisionWait?
    private var timer: Scheduled<Void>?

    /// Starts waiting; the caller has taken a slot of `waits`, which the call gives back when the wait ends.
    init(
        _ call: any DealServerCall,
        writer: DealServerCallWriter,
        store: DealStore,
        minimumRevision: UInt64,
        waitLimit: NIODeadline,
        waits: DealRevisionWaitCounter
    ) {
        self.call = call
        self.writer = writer
        self.store = store
        self.minimumRevision = minimumRevision
        self.waits = waits
        let eventLoop = writer.eventLoop
        self.waitedSince = eventLoop.now
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        self.timer = eventLoop.assumeIsolated().scheduleTask(deadline: waitLimit) { [weak self] in
            self?.expired()
        }
        self.wait = store.waitForRevision(minimumRevision) { _ in
            eventLoop.execute { this.value.reached() }
        }
        if self.wait == nil {
            // Published between the router's look and the registration.
            self.reached()
        }
    }

    func receive(_ message: ByteBuffer, endStream: Bool) {
        switch self.state {
        case .released:
            self.call.receive(message, endStream: endStream)
        case .waiting where endStream:
            self.held = .message(message)
        case .waiting:
            self.call.receive(message, endStream: false)
        case .done:
            break
        }
    }

    func endRequests() {
        switch self.state {
        case .released: self.call.endRequests()
        case .waiting: self.held = self.held ?? .endRequests
        case .done: break
        }
    }

    func cancel() {
        if case .waiting = self.state { self.endWait() }
        self.state = .done
        self.call.cancel()
    }

    func writable() {
        if case .released = self.state { self.call.writable() }
    }

    /// The store published the revision: run the call with what it was held.
    private func reached() {
        guard case .waiting = self.state else { return }
        self.endWait()
        self.state = .released
        switch self.held {
        case .message(let message): self.call.receive(message, endStream: true)
        case .endRequests: self.call.endRequests()
        case nil: break
        }
        self.held = nil
    }

    private func expired() {
        guard case .waiting = self.state else { return }
        self.endWait()
        self.state = .done
        self.held = nil
        self.call.cancel()
        let revision = self.store.revision
        let waited = (self.writer.eventLoop.now - self.waitedSince).nanoseconds / 1_000_000
        self.writer.finish(
            code: .unavailable,
            message: "this node is at revision \(revision), below the call's min-revision \(self.minimumRevision), "
                + "and did not reach it within \(waited) ms; retry (on another node, or with a longer deadline), "
                + "or send a lower min-revision",
            revision: revision
        )
    }

    private func endWait() {
        self.timer?.cancel()
        self.timer = nil
        self.wait?.cancel()
        self.wait = nil
        self.waits.release()
    }
}
