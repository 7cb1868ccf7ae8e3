import DealProtocol
import DealStore
import NIOCore

extension DealServerRouter {
    /// How long a call without a deadline waits for its `min-revision` before UNAVAILABLE.
    static let defaultRevisionWait = TimeAmount.seconds(5)

    /// The part of a call's timeout kept back from the wait, so that UNAVAILABLE reaches the client before its
    /// own timer (running for the same duration, started earlier) fails the call with DEADLINE_EXCEEDED: a tenth
    /// of the timeout, at most 100 ms.
    static func revisionWaitMargin(timeoutMicros: Int64) -> Int64 {
        min(timeoutMicros / 10, 100_000)
    }

    /// The call's `min-revision` when this node has not published it yet (the call must wait), 0 when it need not
    /// wait; `nil` when the call was refused (a value that is not a revision, or too many waiting calls on the
    /// connection) and has been answered.
    func minimumRevision(
        context: DealServerCallContext,
        writer: DealServerCallWriter,
        waits: DealRevisionWaitCounter
    ) -> UInt64? {
        guard let text = context.metadata(DealProtocolVersion.minimumRevisionMetadataKey) else { return 0 }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let revision = UInt64(text)
        else {
            writer.finish(
                code: .invalidArgument,
                message: "metadata \(DealProtocolVersion.minimumRevisionMetadataKey) \"\(text)\" is not a revision: "
                    + "send a decimal number from 0 to \(UInt64.max), such as the `revision` trailer of an earlier "
                    + "answer"
            )
            return nil
        }
        if revision <= self.store.revision { return 0 }
        guard waits.acquire() else {
            writer.finish(
                code: .resourceExhausted,
                message: "more than \(waits.limit) calls on this connection are waiting for a min-revision this "
                    + "node has not reached (at revision \(self.store.revision), asked for \(revision)); wait for "
                    + "their answers or use another connection"
            )
            return nil
        }
        return revision
    }

    /// `call`, held until the store publishes `minimumRevision` when it is above 0 (a slot of `waits` is taken).
    func gated(
        _ call: any DealServerCall,
        minimumRevision: UInt64,
        context: DealServerCallContext,
        writer: DealServerCallWriter,
        waits: DealRevisionWaitCounter
    ) -> any DealServerCall {
        guard minimumRevision > 0 else { return call }
        // The loop's clock, as the connection's deadlines use: the call has just arrived.
        let now = writer.eventLoop.now
        let limit: NIODeadline
        if context.headers.timeoutMicros > 0 {
            // Clamped like the connection's deadline, so that no timeout a client sends can overflow the clock.
            let micros = Int64(min(context.headers.timeoutMicros, UInt64(Int64.max / 1000 / 4)))
            limit = now + .microseconds(micros - Self.revisionWaitMargin(timeoutMicros: micros))
        } else {
            limit = now + self.maximumRevisionWait
        }
        return DealRevisionGatedCall(
            call,
            writer: writer,
            store: self.store,
            minimumRevision: minimumRevision,
            waitLimit: limit,
            waits: waits
        )
    }
}
