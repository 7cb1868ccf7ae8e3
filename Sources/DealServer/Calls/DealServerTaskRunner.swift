import Logging
import Synchronization

/// Runs the async work that calls hand off (imports, change feeds), as child tasks of the server's own task.
///
/// Event-loop code cannot await; instead of spawning unstructured tasks it submits jobs here. ``run()`` is one of
/// the server's lifecycle services, so every job is a child of it and is cancelled when the server stops.
final class DealServerTaskRunner: Sendable {
    typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    init() {
        (self.jobs, self.continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Queues a job; it starts as soon as ``run()`` picks it up. Jobs submitted after shutdown are dropped.
    func submit(_ job: @escaping Job) {
        self.continuation.yield(job)
    }

    /// Runs jobs until cancelled or ``finish()`` is called, then waits for the running ones.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await job in self.jobs {
                group.addTask {
                    await job()
                }
            }
        }
    }

    /// Stops taking jobs; ``run()`` returns once the running ones end.
    func finish() {
        self.continuation.finish()
    }
}

/// A one-shot signal a call raises when it is cancelled, which a job can race against its work.
final class DealCancellationSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let raised = Atomic<Bool>(false)

    init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(of: Void.self)
    }

    func cancel() {
        self.raised.store(true, ordering: .releasing)
        self.continuation.finish()
    }

    /// Returns when ``cancel()`` has been called.
    func wait() async {
        for await _ in self.stream {}
    }

    /// Runs `work` until it ends or the signal is raised, whichever is first; the loser is cancelled.
    func race(_ work: @escaping @Sendable () async -> Void) async {
        // A call cancelled before its job started (a CANCEL right behind the request) does no work at all.
        guard !self.raised.load(ordering: .acquiring) else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await work() }
            group.addTask { await self.wait() }
            await group.next()
            group.cancelAll()
        }
    }
}
