import Synchronization
import Testing

@testable import DealServer

/// A flag a job sets, read after the race.
final class DealJobFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { self.value.store(true, ordering: .relaxed) }
    var isSet: Bool { self.value.load(ordering: .relaxed) }
}

@Suite("Cancellation signal of a call's job (no sockets)")
struct DealCancellationSignalTests {
    @Test("a job whose call was cancelled before it started does no work")
    func cancelledBeforeStart() async {
        let signal = DealCancellationSignal()
        let ran = DealJobFlag()
        signal.cancel()
        await signal.race { ran.set() }
        #expect(!ran.isSet)
    }

    @Test("a job runs to its end when nothing cancels it, and is cancelled when the signal is raised")
    func raceRunsAndCancels() async {
        let signal = DealCancellationSignal()
        let ran = DealJobFlag()
        await signal.race { ran.set() }
        #expect(ran.isSet)

        let waiting = DealCancellationSignal()
        let started = DealJobFlag()
        let cancelled = DealJobFlag()
        async let raced: Void = waiting.race {
            started.set()
            // Runs until the race cancels it.
            while !Task.isCancelled { await Task.yield() }
            cancelled.set()
        }
        while !started.isSet { await Task.yield() }
        waiting.cancel()
        await raced
        #expect(cancelled.isSet)
    }
}
