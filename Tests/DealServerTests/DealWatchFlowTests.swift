import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// WatchDeals and ImportDeals against the real `dealsd` over TLS on loopback: replays that are complete or end
/// with where to resume, watchers that stop reading without growing the daemon, import byte limits.
@Suite("WatchDeals flow control and replay (real dealsd)", .serialized)
struct DealWatchFlowTests {
    /// Starts dealsd with `yaml` as its configuration file (on top of the defaults) in a fresh data directory.
    static func withDaemon(
        _ yaml: String,
        _ body: (DealDaemonProcess) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-watch-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configFile = directory + ".yaml"
        try yaml.write(toFile: configFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: configFile) }
        let daemon = try DealDaemonProcess.start(dataDirectory: directory, extraArguments: ["--config", configFile])
        defer { daemon.kill(SIGTERM) }
        try await body(daemon)
    }

    /// The daemon's resident set in bytes, from /proc/<pid>/status.
    static func residentBytes(_ daemon: DealDaemonProcess) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(daemon.process.processIdentifier)/status", encoding: .utf8))
        let line = status?.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        let kilobytes = line?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes * 1024
    }

    /// `count` title updates spread over `deals` deals of about 1 KB created first, `writers` at a time; returns
    /// the answers.
    static func updateMany(
        _ client: DealClient,
        prefix: String,
        deals: Int,
        count: Int,
        writers: Int = 8
    ) async throws -> [Dealstore_V1_Deal] {
        for index in 0..<deals {
            var request = DealTestRecords.createRequest(id: "\(prefix)-\(index)")
            request.deal.notes = String(repeating: "n", count: 800)
            _ = try await client.createDeal(request)
        }
        return try await withThrowingTaskGroup(of: [Dealstore_V1_Deal].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var answers: [Dealstore_V1_Deal] = []
                    for n in stride(from: writer, to: count, by: writers) {
                        var request = Dealstore_V1_UpdateDealRequest()
                        request.deal.id = "\(prefix)-\(n % deals)"
                        request.deal.title = "update \(n) of \(prefix)"
                        request.updateMask = ["title"]
                        answers.append(try await client.updateDeal(request))
                    }
                    return answers
                }
            }
            var all: [Dealstore_V1_Deal] = []
            for try await answers in group { all += answers }
            return all
        }
    }

    static func watchCall(streamID: UInt32, token: String, from revision: UInt64) throws -> [DealFrame] {
        var request = Dealstore_V1_WatchDealsRequest()
        request.fromRevision = revision
        request.includeOrganizations = true
        return [
            try DealFrame(
                kind: .headers,
                streamID: streamID,
                message: DealServerLimitTests.headers(.watchDeals, token: token)
            ),
            try DealFrame(kind: .message, flags: .endStream, streamID: streamID, message: request),
        ]
    }

    /// HELLO announcing a `window`-byte initial stream window: the server may send that much per watch before
    /// the client grants more, which this client does only when told to.
    static func sendHello(_ raw: DealRawConnection, window: UInt32 = 65536) async throws {
        var hello = Dealstore_V1_Hello()
        hello.minVersion = 1
        hello.maxVersion = 1
        hello.maxFrameSize = window
        hello.initialWindowSize = window
        try await raw.send([try DealFrame(kind: .hello, streamID: 0, message: hello)])
    }

    static func windowUpdate(streamID: UInt32, increment: UInt32 = 1 << 30) throws -> DealFrame {
        var update = Dealstore_V1_WindowUpdate()
        update.increment = increment
        return try DealFrame(kind: .windowUpdate, streamID: streamID, message: update)
    }

    /// What a raw watch stream received: its events' revisions and, once ended, its trailers.
    static func received(
        _ raw: DealRawConnection,
        streamID: UInt32
    ) throws -> (revisions: [UInt64], trailers: Dealstore_V1_Trailers?) {
        let frames = try raw.frames().filter { $0.streamID == streamID }
        let revisions = try frames.filter { $0.kind == .message }.map {
            try $0.decodePayload(as: Dealstore_V1_ChangeEvent.self).revision
        }
        let trailers = try frames.first { $0.kind == .trailers }.map {
            try $0.decodePayload(as: Dealstore_V1_Trailers.self)
        }
        return (revisions, trailers)
    }

    static func stream(_ records: [Dealstore_V1_DealRecord]) -> AsyncStream<Dealstore_V1_DealRecord> {
        AsyncStream { continuation in
            for record in records { continuation.yield(record) }
            continuation.finish()
        }
    }

    static func metadata(_ trailers: Dealstore_V1_Trailers?, _ key: String) -> UInt64? {
        trailers?.metadata.first { $0.key == key }.flatMap { UInt64(String(decoding: $0.value, as: UTF8.self)) }
    }

    @Test(
        "a watch from revision 1 replays more than 10,000 events, each one, in order, then goes on live",
        .timeLimit(.minutes(5))
    )
    func replayOverTenThousand() async throws {
        // The default history (10,000 events, compacted only past 20,000) retains all 12,000 updates.
        try await Self.withDaemon("store:\n  fsync: none\n") { daemon in
            try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { client in
                let answers = try await Self.updateMany(client, prefix: "replay", deals: 16, count: 12_000)
                let byRevision = Dictionary(uniqueKeysWithValues: answers.map { ($0.meta.updateRevision, $0) })
                let last = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
                var request = Dealstore_V1_WatchDealsRequest()
                request.fromRevision = 1
                request.includeOrganizations = true
                var revisions: [UInt64] = []
                var mismatches = 0
                var liveSeen = false
                // A deadline, so that a replay that lost events ends instead of waiting for them forever.
                let options = DealCallOptions(timeout: .seconds(120))
                for try await event in client.watchDeals(request, options: options) {
                    revisions.append(event.revision)
                    if let answer = byRevision[event.revision], event.record.deal != answer { mismatches += 1 }
                    if event.revision == last {
                        // The replay reached the live edge: a change made now must follow without a gap.
                        var update = Dealstore_V1_UpdateDealRequest()
                        update.deal.id = "replay-0"
                        update.deal.title = "live"
                        update.updateMask = ["title"]
                        _ = try await client.updateDeal(update)
                    }
                    if event.revision == last + 1 {
                        liveSeen = event.record.deal.title == "live"
                        break
                    }
                }
                #expect(revisions.count > 12_000)
                #expect(revisions == Array(2...(last + 1)), "the replay skipped or repeated events")
                #expect(mismatches == 0, "replayed events differ from the writes' answers")
                #expect(liveSeen)
            }
        }
    }

    @Test(
        "a watch from before the retained history is refused, and one that falls behind it ends saying where to resume",
        .timeLimit(.minutes(3))
    )
    func replayPastRetainedHistory() async throws {
        let yaml = """
            store:
              fsync: none
              change_history_limit: 100
            """
        try await Self.withDaemon(yaml) { daemon in
            try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { client in
                _ = try await Self.updateMany(client, prefix: "old", deals: 4, count: 400)
                let start = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision

                let raw = try await DealRawConnection.connect(port: daemon.port, caFile: daemon.caFile)
                defer { raw.close() }
                try await Self.sendHello(raw)
                _ = try await raw.waitForFrames(1)
                // Refused at once: revision 1 is long compacted; the trailers say which is the oldest available.
                try await raw.send(try Self.watchCall(streamID: 1, token: daemon.adminToken, from: 1))
                // Falls behind: never grants window beyond the first 64 KiB while 1,000 changes are made.
                try await raw.send(try Self.watchCall(streamID: 3, token: daemon.adminToken, from: start))
                let refused = await DealServerCallLifecycleTests.eventually(timeout: .seconds(20)) {
                    (try? Self.received(raw, streamID: 1).trailers) != nil
                }
                #expect(refused)
                let refusal = try Self.received(raw, streamID: 1)
                #expect(refusal.revisions.isEmpty)
                #expect(refusal.trailers?.code == DealStatusCode.outOfRange.rawValue)
                let oldest = try #require(Self.metadata(refusal.trailers, "oldest-revision"))
                #expect(oldest > 1)
                let refusalMessage = refusal.trailers?.message ?? ""
                #expect(refusalMessage.contains("oldest revision a watch can start from is \(oldest)"))

                _ = try await Self.updateMany(client, prefix: "new", deals: 4, count: 1_000)
                try await raw.send([try Self.windowUpdate(streamID: 3)])
                let ended = await DealServerCallLifecycleTests.eventually(timeout: .seconds(30)) {
                    (try? Self.received(raw, streamID: 3).trailers) != nil
                }
                let partial = try Self.received(raw, streamID: 3)
                let goAway = try raw.goAway()
                #expect(
                    ended,
                    "the watch that fell behind did not end: \(partial.revisions.count) events after \(start), last \(partial.revisions.last ?? 0), GOAWAY \(String(describing: goAway))"
                )
                let behind = try Self.received(raw, streamID: 3)
                #expect(behind.trailers?.code == DealStatusCode.outOfRange.rawValue)
                let resume = try #require(Self.metadata(behind.trailers, "resume-revision"))
                // Everything up to the resume revision arrived, contiguously; nothing after it (that would be a gap).
                #expect(behind.revisions == Array((start + 1)..<(resume + 1)))
                #expect(resume < (Self.metadata(behind.trailers, "oldest-revision") ?? 0))
                #expect(behind.trailers?.message.contains("up to revision \(resume)") == true)
            }
        }
    }

    @Test(
        "24 watches that never read while 6,000 updates happen: bounded daemon memory, a new watcher served promptly",
        .timeLimit(.minutes(5))
    )
    func nonReadingWatchers() async throws {
        // The idle clients announce a 64 KiB stream window, so every event past the first ~60 of each watch waits
        // for them. Without flow control each idle watch holds all its events (about 6,000 × 1.1 KB = 6.6 MB, 160 MB
        // for 24).
        try await Self.withDaemon("store:\n  fsync: none\n") { daemon in
            try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { client in
                _ = try await Self.updateMany(client, prefix: "warm", deals: 8, count: 2_000)
                let start = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
                var slow: [DealRawConnection] = []
                defer { for raw in slow { raw.close() } }
                for _ in 0..<24 {
                    let raw = try await DealRawConnection.connect(port: daemon.port, caFile: daemon.caFile)
                    slow.append(raw)
                    try await Self.sendHello(raw)
                    _ = try await raw.waitForFrames(1)
                    try await raw.channel.setOption(.autoRead, value: false).get()
                    try await raw.send(try Self.watchCall(streamID: 1, token: daemon.adminToken, from: start))
                }
                let before = Self.residentBytes(daemon)
                _ = try await Self.updateMany(client, prefix: "flood", deals: 8, count: 6_000)
                let last = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
                let after = Self.residentBytes(daemon)
                // The margin covers the 6,000 new events in the retained history (about 1.5 KB each in memory),
                // 24 windows and batches (64 KiB + 64 events each), TLS buffers and allocator slack; the daemon
                // without flow control grows by ~150 MB here.
                let growth = after - before
                print("dealsd VmRSS grew by \(growth >> 10) KiB with 24 idle watches during 6,000 updates")
                #expect(growth < 48 << 20, "the daemon grew by \(growth >> 20) MiB with 24 idle watches")

                // A healthy watcher opened now hears of the next change promptly.
                let request = {
                    var request = Dealstore_V1_WatchDealsRequest()
                    request.fromRevision = last
                    return request
                }()
                let heard = try await withThrowingTaskGroup(of: UInt64?.self) { group in
                    group.addTask {
                        for try await event in client.watchDeals(request) { return event.revision }
                        return nil
                    }
                    group.addTask {
                        var update = Dealstore_V1_UpdateDealRequest()
                        update.deal.id = "flood-0"
                        update.deal.title = "after the flood"
                        update.updateMask = ["title"]
                        _ = try await client.updateDeal(update)
                        try await Task.sleep(for: .seconds(10))
                        return nil
                    }
                    let first = try await group.next() ?? nil
                    group.cancelAll()
                    return first
                }
                #expect(heard == last + 1, "a new watcher heard nothing within 10 s")

                // The idle watchers read again: each gets every event it missed (or the error saying where to
                // resume), in order.
                for raw in slow {
                    try await raw.channel.setOption(.autoRead, value: true).get()
                    try await raw.send([try Self.windowUpdate(streamID: 1)])
                }
                for (index, raw) in slow.enumerated() {
                    // Parsing megabytes of frames is slow in a debug build: look a few times a second only.
                    var seen = try Self.received(raw, streamID: 1)
                    let deadline = ContinuousClock.now + .seconds(60)
                    while seen.trailers == nil, seen.revisions.last ?? 0 < last + 1, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(250))
                        seen = try Self.received(raw, streamID: 1)
                    }
                    #expect(
                        seen.trailers != nil || seen.revisions.last ?? 0 >= last + 1,
                        "idle watcher \(index) did not catch up"
                    )
                    if let trailers = seen.trailers {
                        #expect(trailers.code == DealStatusCode.outOfRange.rawValue)
                        let resume = Self.metadata(trailers, "resume-revision") ?? 0
                        #expect(seen.revisions == Array((start + 1)..<(resume + 1)))
                    } else {
                        #expect(seen.revisions == Array((start + 1)...(last + 1)), "idle watcher \(index) has a gap")
                    }
                }
            }
        }
    }

    @Test("an ImportDeals call over max_import_bytes is refused with RESOURCE_EXHAUSTED naming the setting")
    func importByteLimit() async throws {
        try await Self.withDaemon("store:\n  fsync: none\nlimits:\n  max_import_bytes: 100000\n") { daemon in
            try await withDealClient(configuration: DealDaemonProcessTests.client(daemon)) { client in
                let records = (0..<400).map { index in
                    var record = Dealstore_V1_DealRecord()
                    record.deal = DealTestRecords.deal(id: "import-\(index)")
                    record.deal.notes = String(repeating: "n", count: 400)
                    return record
                }
                do throws(DealRPCError) {
                    _ = try await client.importDeals(Self.stream(records))
                    Issue.record("an import of about 400 KB passed a 100,000-byte limit")
                } catch {
                    #expect(error.code == .resourceExhausted)
                    #expect(error.message.contains("100000 bytes"))
                    #expect(error.message.contains("limits.max_import_bytes"))
                }
                // Nothing of the refused call was stored, and a small import still works.
                let small = try await client.importDeals(Self.stream(Array(records.prefix(10))))
                #expect(small.created == 10)
            }
        }
    }
}
