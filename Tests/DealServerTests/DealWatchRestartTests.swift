import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// WatchDeals from a revision written before `dealsd` restarted: the history is replayed from the log segments,
/// every change once; after a compaction the same revision is refused with `oldest-revision`.
@Suite("WatchDeals across dealsd restarts (real dealsd)", .serialized)
struct DealWatchRestartTests {
    static func configuration(_ directory: String, retention: Int) throws -> String {
        // Small segments and frequent snapshots, so that the replay crosses segments and snapshots (which no longer
        // drop history); a short in-memory tail, so that most of it is read back from disk.
        let yaml = """
            store:
              fsync: none
              snapshot_every_records: 40
              segment_size_mb: 1
              change_history_limit: 10
              history_retention_revisions: \(retention)
            """
        let path = directory + "-\(retention).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `count` title updates of deal `id`, one at a time; returns the revisions and titles in order.
    static func update(
        _ client: DealClient,
        id: String,
        count: Int,
        prefix: String
    ) async throws -> [(UInt64, String)] {
        var written: [(UInt64, String)] = []
        for index in 0..<count {
            var request = Dealstore_V1_UpdateDealRequest()
            request.deal.id = id
            request.deal.title = "\(prefix)-\(index)"
            request.updateMask = ["title"]
            _ = try await client.updateDeal(request)
            let revision = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
            written.append((revision, request.deal.title))
        }
        return written
    }

    /// The events of a watch from `revision` up to `last`, with a deadline.
    static func watch(_ client: DealClient, from revision: UInt64, to last: UInt64) async throws -> [DealChangeEvent] {
        let watch = try await client.watch(fromRevision: revision)
        defer { watch.cancel() }
        var events: [DealChangeEvent] = []
        for try await event in watch {
            events.append(event)
            if event.revision >= last { break }
        }
        return events
    }

    @Test(
        "a watch resumes from a revision before a restart and sees every change once; a compacted one is refused",
        .timeLimit(.minutes(4))
    )
    func resumeAcrossRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-restart-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keepAll = try Self.configuration(directory, retention: 0)
        let keepFew = try Self.configuration(directory, retention: 5)
        defer {
            try? FileManager.default.removeItem(atPath: keepAll)
            try? FileManager.default.removeItem(atPath: keepFew)
        }

        // First run (the bundled seed, whose organizations the deal refers to): a deal, then 100 updates (two automatic snapshots); killed, not stopped.
        let first = try DealDaemonProcess.start(dataDirectory: directory, extraArguments: ["--config", keepAll])
        var written: [(UInt64, String)] = []
        let from: UInt64
        do {
            defer { first.kill(SIGKILL) }
            try await withDealClient(configuration: DealDaemonProcessTests.client(first)) { client in
                _ = try await client.createDeal(DealTestRecords.createRequest(id: "restart-0"))
                written = try await Self.update(client, id: "restart-0", count: 100, prefix: "first")
            }
            from = written[9].0
        }

        // Second run (a restart after a crash): 20 more, then a watch from revision `from`, before the restart.
        let second = try DealDaemonProcess.start(dataDirectory: directory, extraArguments: ["--config", keepAll])
        do {
            defer { second.kill(SIGTERM) }
            try await withDealClient(configuration: DealDaemonProcessTests.client(second)) { client in
                written += try await Self.update(client, id: "restart-0", count: 20, prefix: "second")
                let last = written[written.count - 1].0
                let events = try await Self.watch(client, from: from, to: last)
                let expected = written.filter { $0.0 > from }
                #expect(events.map(\.revision) == expected.map(\.0), "the replay skipped or repeated changes")
                #expect(events.map(\.record.deal.title) == expected.map(\.1))
                let info = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
                #expect(info.compactedRevision == 0)
            }
        }

        // Third run, keeping only the latest 5 revisions: the first automatic snapshot compacts the history.
        let third = try DealDaemonProcess.start(dataDirectory: directory, extraArguments: ["--config", keepFew])
        defer { third.kill(SIGTERM) }
        try await withDealClient(configuration: DealDaemonProcessTests.client(third)) { client in
            _ = try await Self.update(client, id: "restart-0", count: 45, prefix: "third")
            var compacted: UInt64 = 0
            try await DealWait.until("a compaction past revision \(from)") {
                compacted = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).compactedRevision
                return compacted > from
            }
            // The refusal's trailers, read on a raw connection (they carry `oldest-revision`).
            let raw = try await DealRawConnection.connect(port: third.port, caFile: third.caFile)
            defer { raw.close() }
            try await DealWatchFlowTests.sendHello(raw)
            _ = try await raw.waitForFrames(1)
            try await raw.send(try DealWatchFlowTests.watchCall(streamID: 1, token: third.adminToken, from: from))
            let answered = await DealWait.eventually(timeout: .seconds(20)) {
                (try? DealWatchFlowTests.received(raw, streamID: 1).trailers) != nil
            }
            #expect(answered, "the watch from a compacted revision was not refused")
            let refusal = try DealWatchFlowTests.received(raw, streamID: 1)
            #expect(refusal.revisions.isEmpty)
            #expect(refusal.trailers?.code == DealStatusCode.outOfRange.rawValue)
            let oldestRevision = DealWatchFlowTests.metadata(
                refusal.trailers,
                DealProtocolVersion.oldestRevisionMetadataKey
            )
            #expect(oldestRevision != nil && oldestRevision! >= compacted, "\(String(describing: refusal.trailers))")
            // From the oldest retained revision on, the replay works.
            let current = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
            let events = try await Self.watch(client, from: oldestRevision ?? compacted, to: current)
            #expect(events.first?.revision == (oldestRevision ?? compacted) + 1)
            #expect(events.last?.revision == current)
        }
    }
}
