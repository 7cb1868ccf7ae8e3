import DealStore
// The crash test's child: writes the DealCrashScenario ops with fsync always and prints `ack N` (flushed) after
// each acknowledged write, until the test kills it with SIGKILL. A reader thread polls the store meanwhile and
// prints `seen N` as soon as a read shows op N applied and `revision R` for each new revision reads are served at,
// so the test can check that no read ever returned a write or a revision that the crash then lost (reads see only
// durable revisions).
//
//   dealstore-crash-writer DIRECTORY
import DealStoreCrashScenario
import Foundation
import Logging

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: dealstore-crash-writer DIRECTORY\n".utf8))
    exit(2)
}
var logger = Logger(label: "dealstore-crash-writer")
logger.logLevel = .error
let store = try await DealStore.open(
    directory: CommandLine.arguments[1],
    // Frequent snapshots and compactions (keeping the latest 100 revisions) so that kills also land while a
    // snapshot is written and while a compaction records its revision and removes segments.
    options: {
        var options = DealStoreOptions(
            fsyncPolicy: .always,
            segmentSize: 16 << 10,
            snapshotEvery: 40,
            seedIfEmpty: false
        )
        options.historyRetention = DealHistoryRetention(revisions: 100)
        return options
    }(),
    logger: logger
)
var index = DealCrashScenario.progress(of: store)
// FileHandle writes straight to the descriptor (no stdio buffer), so each line is out before the next write.
FileHandle.standardOutput.write(Data("start \(index)\n".utf8))
let firstUnseen = index
let reader = Thread {
    var next = firstUnseen
    var revision: UInt64 = 0
    while true {
        // The revision a read is served at, printed before the op it shows, so the test sees every revision a
        // read returned (it must still exist after the restart).
        let read = store.revision
        if read > revision {
            FileHandle.standardOutput.write(Data("revision \(read)\n".utf8))
            revision = read
        }
        if DealCrashScenario.isApplied(next, in: store) {
            FileHandle.standardOutput.write(Data("seen \(next)\n".utf8))
            next += 1
        } else {
            sched_yield()
        }
    }
}
reader.start()
while true {
    try await DealCrashScenario.apply(index, to: store)
    FileHandle.standardOutput.write(Data("ack \(index)\n".utf8))
    index += 1
}
