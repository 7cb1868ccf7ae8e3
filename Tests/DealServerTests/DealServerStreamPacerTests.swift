import Synchronization
import Testing

@testable import DealServer

/// The pacer that holds a watch's producer while its stream is not writable, without sockets.
@Suite("Stream pacer (no sockets)")
struct DealServerStreamPacerTests {
    /// Registers a wait the way ``DealServerCallWriter/send(_:pacedBy:)`` does and hands back its ticket.
    static func waitInBackground(_ pacer: DealServerStreamPacer) async -> (Task<Bool, Never>, UInt64?) {
        let ticket = Mutex<UInt64?>(nil)
        let registered = AsyncStream<Void>.makeStream()
        let task = Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let issued = pacer.wait(continuation)
                ticket.withLock { $0 = issued }
                registered.continuation.finish()
            }
        }
        for await _ in registered.stream {}
        return (task, ticket.withLock { $0 })
    }

    @Test("the loop's answer for the current batch lets the producer go on; a stale ticket does not")
    func proceedsOnItsOwnTicket() async {
        let pacer = DealServerStreamPacer()
        let (first, firstTicket) = await Self.waitInBackground(pacer)
        pacer.proceed(ticket: firstTicket!)
        #expect(await first.value)
        let (second, secondTicket) = await Self.waitInBackground(pacer)
        #expect(secondTicket != firstTicket)
        // The first batch's answer arriving late must not release the second batch.
        pacer.proceed(ticket: firstTicket!)
        pacer.writable()
        #expect(await second.value)
    }

    @Test("a paused producer waits until the stream is writable again")
    func waitsForWritable() async {
        let pacer = DealServerStreamPacer()
        let (task, _) = await Self.waitInBackground(pacer)
        let released = Mutex(false)
        let watcher = Task {
            let value = await task.value
            released.withLock { $0 = true }
            return value
        }
        // A bounded look for something that must not happen.
        try? await Task.sleep(for: .milliseconds(100))
        #expect(!released.withLock { $0 }, "the producer went on while the stream was not writable")
        pacer.writable()
        #expect(await watcher.value)
    }

    @Test("an ended stream releases the waiting producer with false, and every later wait too")
    func endReleases() async {
        let pacer = DealServerStreamPacer()
        let (task, _) = await Self.waitInBackground(pacer)
        pacer.end()
        #expect(await task.value == false)
        let (later, ticket) = await Self.waitInBackground(pacer)
        #expect(ticket == nil)
        #expect(await later.value == false)
    }
}
