import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import DealServer
@testable import DealStore

@Suite("DealServerLoopCompletions")
struct DealServerLoopCompletionsTests {
    @Test(
        "a commit batch runs on the event loop, in one task, in commit order, with the batch's outcome",
        arguments: [false, true]
    )
    func batchRunsOnTheLoop(failed: Bool) throws {
        let loop = EmbeddedEventLoop()
        let completions = DealServerLoopCompletions(eventLoop: loop)
        let seen = Mutex<[(index: Int, onLoop: Bool, failed: Bool)]>([])
        let bodies: [@Sendable (DealStoreError?) -> Void] = (0..<5).map { index in
            { error in seen.withLock { $0.append((index, loop.inEventLoop, error != nil)) } }
        }
        let error = failed ? DealStoreError(code: .readOnly, message: "disk failed") : nil
        completions.enqueue(DealCompletionBatch(completions: bodies, error: error))
        // Handed over from the committer thread: nothing runs until the loop runs its task.
        #expect(seen.withLock { $0.isEmpty })
        loop.run()
        let runs = seen.withLock { $0 }
        #expect(runs.map(\.index) == [0, 1, 2, 3, 4])
        #expect(runs.allSatisfy { $0.onLoop })
        #expect(runs.allSatisfy { $0.failed == failed })
        try loop.syncShutdownGracefully()
    }
}
