import DealModel
import DealStore
import DealStoreCrashScenario
import DealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Crash recovery (SIGKILL)")
struct DealCrashTests {
    @Test(
        "every acknowledged write, and every write a reader saw, survives SIGKILL at random moments",
        .timeLimit(.minutes(2))
    )
    func killedWriter() async throws {
        // The crash writer binary, built beside the test bundle (it is a dependency of the test target).
        let writer = try DealDaemonProcess.requiredBinaryPath("dealstore-crash-writer")
        let scratch = try DealTemporaryDirectory(prefix: "dealstore-crash")
        let directory = TemporaryDirectory()
        let modelDirectory = TemporaryDirectory()
        let model = try await TestStores.open(modelDirectory.path)
        var modelProgress = 0
        var acknowledged = -1
        var previousProgress = 0
        var seenTotal = 0
        var generator = DealSeededRandom.logged("SIGKILL delays")
        let rounds = 18
        for round in 0..<rounds {
            let child = try DealChildProcess(
                executable: writer,
                arguments: [directory.path],
                environment: ProcessInfo.processInfo.environment,
                scratchDirectory: scratch.path
            )
            let delay = UInt64.random(in: 30...400, using: &generator)
            try await Task.sleep(for: .milliseconds(delay))
            child.send(SIGKILL)
            let exited = await child.waitForExit(timeout: .seconds(30))
            #expect(exited != nil, "round \(round): the writer outlived SIGKILL")
            let text = child.standardOutput
            child.removeOutputFiles()
            var acknowledgedThisRound = -1
            var seenThisRound = -1
            var readRevision: UInt64 = 0
            for line in text.split(separator: "\n") {
                if line.hasPrefix("revision ") {
                    readRevision = max(readRevision, UInt64(line.dropFirst(9)) ?? 0)
                }
                if line.hasPrefix("ack ") {
                    acknowledgedThisRound = max(acknowledgedThisRound, Int(line.dropFirst(4)) ?? -1)
                } else if line.hasPrefix("seen ") {
                    seenThisRound = max(seenThisRound, Int(line.dropFirst(5)) ?? -1)
                }
            }
            acknowledged = max(acknowledged, acknowledgedThisRound)
            seenTotal += seenThisRound >= 0 ? 1 : 0

            let store = try await TestStores.open(directory.path)
            let progress = DealCrashScenario.progress(of: store)
            // Every acknowledged op is there; beyond the last op known done (acknowledged this round, or found
            // applied at the start of the round), at most the one op in flight.
            #expect(progress >= acknowledged + 1, "round \(round): acknowledged op \(acknowledged) lost")
            // A read never returned what the crash lost: the writer's reader saw only durable ops.
            #expect(
                progress >= seenThisRound + 1,
                "round \(round): a reader saw op \(seenThisRound), lost after restart"
            )
            #expect(
                store.revision >= readRevision,
                "round \(round): a read was served at revision \(readRevision), missing after restart (\(store.revision))"
            )
            // The change history survived every crash, snapshots and compactions included: everything after the
            // recorded compacted revision, contiguous; and compaction kept the latest 100 revisions at least.
            let compacted = store.compactedRevision
            let history = try store.changes(after: compacted, limit: 1_000_000)
            #expect(
                history.map(\.revision) == Array((compacted..<store.revision).map { $0 + 1 }),
                "round \(round): the change history after \(compacted) lost revisions"
            )
            #expect(store.revision < 100 || compacted <= store.revision - 100)
            let known = max(acknowledgedThisRound, previousProgress - 1)
            #expect(progress <= known + 2, "round \(round): ops beyond the one in flight")
            previousProgress = progress
            while modelProgress < progress {
                try await DealCrashScenario.apply(modelProgress, to: model)
                modelProgress += 1
            }
            #expect(
                store.stateDigest(includingMeta: false) == model.stateDigest(includingMeta: false),
                "round \(round): state differs from a replay of ops 0..<\(progress)"
            )
            try await store.close()
        }
        #expect(acknowledged > 10, "the writer made too little progress to test anything")
        // Rounds killed before the writer's reader got going see nothing; on a loaded machine that is most of
        // them, so a few rounds with reads are what the check needs.
        #expect(seenTotal >= 3, "the reader saw too few writes to test anything")
        try await model.close()
    }
}
