import DealStore
import NIOCore

/// Runs the completions of one event loop's durable writes, a commit batch at a time: one `execute` on the loop per
/// batch instead of one per call, and one flush per connection for all the answers the batch completes on it.
///
/// The committer thread hands over a ``DealCompletionBatch`` (see ``DealCompletionExecutor``); on the loop every
/// completion answers its call, and the router asks to hold that call's connection's flushes
/// (``holdFlushes(of:)``) first, so 64 creates finished by one `fdatasync` leave as a few TLS records, not 64
/// writes. The router keeps one instance per loop of the server's group, built before serving.
final class DealServerLoopCompletions: DealCompletionExecutor {
    /// What a batch being run has touched; only ever read or changed on `eventLoop`.
    private struct RunState {
        var running = false
        var held: [DealServerConnectionHandler] = []
    }

    let eventLoop: any EventLoop
    private let state: NIOLoopBoundBox<RunState>

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.state = NIOLoopBoundBox.makeBoxSendingValue(RunState(), as: RunState.self, eventLoop: eventLoop)
    }

    func enqueue(_ batch: DealCompletionBatch) {
        self.eventLoop.execute {
            self.run(batch)
        }
    }

    /// Runs a batch on the loop: every completion in commit order, then one flush per connection it answered on.
    func run(_ batch: DealCompletionBatch) {
        self.state.value.running = true
        batch.run()
        self.state.value.running = false
        let held = self.state.value.held
        self.state.value.held.removeAll(keepingCapacity: true)
        for connection in held {
            connection.releaseFlushes()
        }
    }

    /// Called by a completion on the loop before it answers: holds the connection's flushes until the batch has
    /// run. Outside a batch (a call refused at once, answered during its read) it does nothing: the read's end
    /// flushes.
    func holdFlushes(of connection: DealServerConnectionHandler) {
        guard self.state.value.running else { return }
        if connection.holdFlushes() {
            self.state.value.held.append(connection)
        }
    }
}
