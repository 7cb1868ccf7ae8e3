import DealClient
import DealModel
import DealPostgres
import DealProtocol
import DealTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Ids of writes a node acknowledged, collected by concurrent writers.
final class DealAcknowledgedIDs: Sendable {
    let ids = Mutex<[String]>([])
    /// The first error a writer stopped on, for the failure message when too few writes were acknowledged.
    let firstError = Mutex<String?>(nil)
    /// Set once the standby has been promoted (the failover test).
    let promoted = Mutex(false)
}

/// Three dealsd nodes over one PostgreSQL, as Deploy/cluster.md runs them; every server is started by the test.
@Suite(
    "dealsd cluster on PostgreSQL",
    .serialized,
    .enabled(
        if: DealPostgresInstance.isAvailable,
        "PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin): apt-get install postgresql"
    )
)
struct DealClusterTests {
    static func nodeDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("dealcluster-\(name)-\(UUID())").path
    }

    /// Starts `count` nodes over `conninfo`, each with a data directory of its own.
    static func startNodes(_ count: Int, conninfo: String) throws -> [DealClusterDaemon] {
        try (0..<count).map { index in
            try DealClusterDaemon.start(dataDirectory: Self.nodeDirectory("node\(index)"), conninfo: conninfo)
        }
    }

    static func stop(_ nodes: [DealClusterDaemon]) {
        for node in nodes {
            node.kill(SIGTERM)
            try? FileManager.default.removeItem(atPath: node.dataDirectory)
        }
    }

    static func counter(_ server: DealPostgresInstance) throws -> UInt64 {
        UInt64(try server.query("SELECT revision FROM dealstore.counter").int64(row: 0, column: 0))
    }

    /// Reads `ids` on `node`; returns those it does not have.
    static func missing(_ ids: [String], on node: DealClusterDaemon) async throws -> [String] {
        try await withDealClient(configuration: node.client) { client in
            var missing: [String] = []
            for id in ids {
                var request = Dealstore_V1_GetDealRequest()
                request.id = id
                do {
                    _ = try await client.getDeal(request)
                } catch {
                    missing.append(id)
                }
            }
            return missing
        }
    }

    @Test(
        "writes through one node are read and watched on every node at the same revisions",
        .timeLimit(.minutes(3))
    )
    func replicates() async throws {
        let server = try DealPostgresInstance.primary()
        defer { server.destroy() }
        let nodes = try Self.startNodes(3, conninfo: server.conninfo)
        defer { Self.stop(nodes) }
        // The first node seeded the empty cluster; every node reaches the same revision.
        let seeded = try Self.counter(server)
        #expect(seeded > 0, "the bundled dataset was not seeded")
        for node in nodes { try await node.waitForRevision(seeded) }

        let writes = 12
        let sequences = try await withThrowingTaskGroup(of: [String].self) { group in
            // A watch per node, each on a client of its own that stays open while it reads; from the seeded
            // revision, so a watch that starts after the first writes still replays them.
            for node in nodes {
                group.addTask {
                    try await withDealClient(configuration: node.client) { client in
                        let watch = try await client.watch(fromRevision: seeded, includeOrganizations: true)
                        var seen: [String] = []
                        for try await event in watch {
                            seen.append("\(event.revision):\(event.kind):\(event.record.deal.id)")
                            if seen.count == writes + 2 { break }
                        }
                        watch.cancel()
                        return seen
                    }
                }
            }
            // Creates through node 0, an update through node 1, a delete through node 2.
            var last: UInt64 = 0
            try await withDealClient(configuration: nodes[0].client) { client in
                for n in 0..<writes {
                    let deal = try await client.createDeal(DealTestRecords.createRequest(id: "replicated-\(n)"))
                    #expect(deal.meta.updateRevision == seeded + UInt64(n) + 1, "revisions are gap-free")
                    last = deal.meta.updateRevision
                }
            }
            try await nodes[1].waitForRevision(last)
            try await withDealClient(configuration: nodes[1].client) { client in
                var request = Dealstore_V1_UpdateDealRequest()
                request.deal.id = "replicated-0"
                request.deal.title = "updated through node 1"
                request.updateMask = ["title"]
                let updated = try await client.updateDeal(request)
                #expect(updated.meta.updateRevision == last + 1)
                last = updated.meta.updateRevision
            }
            try await nodes[2].waitForRevision(last)
            try await withDealClient(configuration: nodes[2].client) { client in
                var request = Dealstore_V1_DeleteDealRequest()
                request.id = "replicated-1"
                _ = try await client.deleteDeal(request)
            }
            var sequences: [[String]] = []
            for try await sequence in group { sequences.append(sequence) }
            return sequences
        }
        #expect(sequences.count == 3)
        #expect(sequences.allSatisfy { $0 == sequences[0] }, "watches differ: \(sequences)")
        #expect(sequences[0].count == writes + 2)

        let head = try Self.counter(server)
        for node in nodes {
            try await node.waitForRevision(head)
            let (title, gone) = try await withDealClient(configuration: node.client) { client in
                var get = Dealstore_V1_GetDealRequest()
                get.id = "replicated-0"
                let title = try await client.getDeal(get).title
                get.id = "replicated-1"
                let gone: Bool
                do {
                    _ = try await client.getDeal(get)
                    gone = false
                } catch {
                    gone = (error as? DealRPCError)?.code == .notFound
                }
                return (title, gone)
            }
            #expect(title == "updated through node 1")
            #expect(gone)
        }
        // The plain tables say the same.
        let rows = try server.query("SELECT title FROM dealstore.deals WHERE id = 'replicated-0'")
        #expect(try rows.text(row: 0, column: 0) == "updated through node 1")
        let changes = try server.query("SELECT count(*), max(revision) FROM dealstore.changes")
        #expect(try UInt64(changes.int64(row: 0, column: 0)) == head, "one change row per revision")
    }

    @Test(
        "a read with min-revision on a node that has not applied it yet is answered once the tailer applies it",
        .timeLimit(.minutes(3))
    )
    func minimumRevisionWaitsForTheTailer() async throws {
        let server = try DealPostgresInstance.primary()
        defer { server.destroy() }
        let nodes = try Self.startNodes(2, conninfo: server.conninfo)
        defer { Self.stop(nodes) }
        let head = try Self.counter(server)
        for node in nodes { try await node.waitForRevision(head) }
        try await withDealClient(configuration: nodes[1].client) { reader in
            _ = try await reader.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            // Node 1 is stopped while the read is sent and the write committed through node 0: when it resumes,
            // its event loop reads the request (no round trip) before its tailer has fetched the change (one),
            // so the read waits for the tailer's apply, which must wake it.
            Glibc.kill(nodes[1].process.processIdentifier, SIGSTOP)
            var resumed = false
            defer { if !resumed { Glibc.kill(nodes[1].process.processIdentifier, SIGCONT) } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var get = Dealstore_V1_GetDealRequest()
                    get.id = "written-elsewhere"
                    let started = ContinuousClock.now
                    let deal = try await reader.getDeal(
                        get,
                        options: DealCallOptions(timeout: .seconds(20), minimumRevision: head + 1)
                    )
                    #expect(deal.id == "written-elsewhere")
                    #expect(ContinuousClock.now - started < .seconds(15), "answered at the deadline, not when applied")
                }
                try await withDealClient(configuration: nodes[0].client) { client in
                    _ = try await client.createDeal(DealTestRecords.createRequest(id: "written-elsewhere"))
                }
                Glibc.kill(nodes[1].process.processIdentifier, SIGCONT)
                resumed = true
                try await group.waitForAll()
            }
        }
    }

    /// The node's local cache file (Deploy/cluster.md, "Fast restarts").
    static func cacheFile(_ node: DealClusterDaemon) -> String { node.dataDirectory + "/cluster/node-cache" }

    @Test(
        "kill -9 during writes: the restart loads the node's cache plus the log after it, nothing lost or twice",
        .timeLimit(.minutes(3))
    )
    func killNodeDuringWrites() async throws {
        let server = try DealPostgresInstance.primary()
        defer { server.destroy() }
        let nodes = try Self.startNodes(2, conninfo: server.conninfo)
        defer { Self.stop([nodes[1]]) }
        let victim = nodes[0]
        // The node writes its cache right after its first (full) load: from then on a restart starts from it.
        try await DealWait.until("the victim's local cache", interval: .milliseconds(50)) {
            FileManager.default.fileExists(atPath: Self.cacheFile(victim))
        }
        let acknowledged = DealAcknowledgedIDs()
        try await withDealClient(configuration: victim.client) { client in
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for n in 0..<10_000 {
                            let id = "kill-\(writer)-\(n)"
                            do {
                                _ = try await client.createDeal(DealTestRecords.createRequest(id: id))
                                acknowledged.ids.withLock { $0.append(id) }
                            } catch {
                                acknowledged.firstError.withLock { $0 = $0 ?? "\(error)" }
                                return
                            }
                        }
                    }
                }
                group.addTask {
                    let written = await DealWait.eventually(timeout: .seconds(60), interval: .milliseconds(10)) {
                        acknowledged.ids.withLock { $0.count } >= 100
                    }
                    #expect(
                        written,
                        "100 acknowledged writes before the kill; a writer stopped on: \(acknowledged.firstError.withLock { $0 } ?? "nothing")"
                    )
                    Glibc.kill(victim.process.processIdentifier, SIGKILL)
                }
            }
        }
        victim.kill(SIGKILL)
        let ids = acknowledged.ids.withLock { $0 }
        #expect(ids.count >= 100)
        let restarted = try DealClusterDaemon.start(dataDirectory: victim.dataDirectory, conninfo: server.conninfo)
        defer { Self.stop([restarted]) }
        // The node may announce its port before its load finishes (it answers NOT_SERVING meanwhile), so the
        // line that says where the load came from is waited for, not read once.
        let usedCache = await DealWait.eventually(timeout: .seconds(60), interval: .milliseconds(20)) {
            restarted.errorOutput.contains("loaded from the node's local cache")
        }
        #expect(usedCache, "the restart did not use the local cache: \(restarted.errorOutput)")
        let head = try Self.counter(server)
        try await restarted.waitForRevision(head)
        try await nodes[1].waitForRevision(head)
        #expect(try await Self.missing(ids, on: restarted).isEmpty, "acknowledged writes lost on the restarted node")
        #expect(try await Self.missing(ids, on: nodes[1]).isEmpty, "acknowledged writes lost on the other node")
        // Applied once: each node holds exactly the rows PostgreSQL holds, at PostgreSQL's revision.
        let rows = UInt64(try server.query("SELECT count(*) FROM dealstore.deals").int64(row: 0, column: 0))
        for node in [restarted, nodes[1]] {
            let info = try await withDealClient(configuration: node.client) { client in
                try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            }
            #expect(info.storeRevision == head)
            #expect(UInt64(info.dealCount) == rows)
        }
    }

    @Test(
        "primary killed and the synchronous standby promoted: every acknowledged write is there",
        .timeLimit(.minutes(4))
    )
    func failover() async throws {
        let primary = try DealPostgresInstance.primary(synchronousStandby: true)
        defer { primary.destroy() }
        let standby = try DealPostgresInstance.standby(of: primary)
        defer { standby.destroy() }
        let conninfo =
            "host=127.0.0.1,127.0.0.1 port=\(primary.port),\(standby.port) user=postgres dbname=postgres "
            + "target_session_attrs=read-write connect_timeout=2"
        let nodes = try Self.startNodes(2, conninfo: conninfo)
        defer { Self.stop(nodes) }
        let acknowledged = DealAcknowledgedIDs()
        try await withDealClient(configuration: nodes[0].client) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        var afterPromotion = 0
                        for n in 0..<100_000 where afterPromotion < 20 {
                            let id = "failover-\(writer)-\(n)"
                            do {
                                _ = try await client.createDeal(DealTestRecords.createRequest(id: id))
                                acknowledged.ids.withLock { $0.append(id) }
                                if acknowledged.promoted.withLock({ $0 }) { afterPromotion += 1 }
                            } catch {
                                // UNAVAILABLE while PostgreSQL fails over: keep trying (the test's deadline
                                // bounds it).
                                try await Task.sleep(for: .milliseconds(50))
                            }
                        }
                    }
                }
                group.addTask {
                    try await DealWait.until(
                        "100 acknowledged writes",
                        timeout: .seconds(60),
                        interval: .milliseconds(10)
                    ) {
                        acknowledged.ids.withLock { $0.count } >= 100
                    }
                    primary.signalAll(SIGKILL)
                    try standby.promote()
                    acknowledged.promoted.withLock { $0 = true }
                }
                try await group.waitForAll()
            }
        }
        let ids = acknowledged.ids.withLock { $0 }
        let head = try Self.counter(standby)
        for node in nodes {
            try await node.waitForRevision(head, timeout: .seconds(60))
            #expect(try await Self.missing(ids, on: node).isEmpty, "acknowledged writes lost after the failover")
        }
        let rows = try standby.query("SELECT id FROM dealstore.deals WHERE id LIKE 'failover-%'")
        let stored = Set(try rows.rows.indices.map { try rows.text(row: $0, column: 0) })
        #expect(Set(ids).isSubset(of: stored), "the promoted standby lacks acknowledged writes")
    }

    @Test(
        "a node whose PostgreSQL is stopped reports NOT_SERVING with the reason and serves again after SIGCONT",
        .timeLimit(.minutes(3))
    )
    func partition() async throws {
        let server = try DealPostgresInstance.primary()
        defer { server.destroy() }
        let nodes = try Self.startNodes(1, conninfo: server.conninfo)
        defer { Self.stop(nodes) }
        let node = nodes[0]
        try await withDealClient(configuration: node.client) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "before-stop"))
        }
        let revision = try await node.revision()
        server.signalAll(SIGSTOP)
        try await DealWait.until("the node reporting NOT_SERVING", interval: .milliseconds(100)) {
            try await node.health().status == .notServing
        }
        let health = try await node.health()
        #expect(health.reason.contains("PostgreSQL is unreachable"), "reason: \(health.reason)")
        #expect(health.reason.contains("revision \(revision)"), "the reason names the revision served")
        try await withDealClient(configuration: node.client) { client in
            // Reads keep working at the last revision; writes are refused with UNAVAILABLE.
            var get = Dealstore_V1_GetDealRequest()
            get.id = "before-stop"
            let read = try await client.getDeal(get)
            #expect(read.id == "before-stop")
            do {
                _ = try await client.createDeal(DealTestRecords.createRequest(id: "during-stop"))
                Issue.record("a write succeeded while PostgreSQL was stopped")
            } catch {
                #expect((error as? DealRPCError)?.code == .unavailable, "\(error)")
            }
        }
        server.signalAll(SIGCONT)
        try await DealWait.until("the node serving again", interval: .milliseconds(100)) {
            try await node.health().status == .serving
        }
        try await withDealClient(configuration: node.client) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "after-stop"))
        }
    }

    @Test(
        "a local cache that is damaged or from another cluster is not used: a full load, logged with the reason",
        .timeLimit(.minutes(3))
    )
    func cacheRefusals() async throws {
        let server = try DealPostgresInstance.primary()
        defer { server.destroy() }
        let directory = Self.nodeDirectory("cache")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var node = try DealClusterDaemon.start(dataDirectory: directory, conninfo: server.conninfo)
        let cache = URL(fileURLWithPath: Self.cacheFile(node))
        try await withDealClient(configuration: node.client) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "cached-0"))
        }
        let head = try Self.counter(server)
        try await node.waitForRevision(head)
        // A clean stop writes the cache at the head.
        node.kill(SIGTERM)
        let saved = try Data(contentsOf: cache)

        /// Starts the node on `directory` again; expects a full load logged with `reason`, and every record.
        func restart(expecting reason: String) async throws {
            node = try DealClusterDaemon.start(dataDirectory: directory, conninfo: server.conninfo)
            defer { node.kill(SIGTERM) }
            let logged = await DealWait.eventually(timeout: .seconds(60), interval: .milliseconds(20)) {
                node.errorOutput.contains(reason)
            }
            #expect(logged, "no line saying \(reason): \(node.errorOutput)")
            try await node.waitForRevision(head)
            #expect(!node.errorOutput.contains("loaded from the node's local cache"), "\(node.errorOutput)")
            #expect(try await Self.missing(["cached-0"], on: node).isEmpty)
        }

        // Damaged: one byte flipped in the middle of the file.
        var damaged = [UInt8](saved)
        damaged[damaged.count / 2] ^= 0xFF
        try Data(damaged).write(to: cache)
        try await restart(expecting: "fails its checksum")

        // Intact, but PostgreSQL now holds another cluster (another database restored in its place, say).
        try saved.write(to: cache)
        _ = try server.query("UPDATE dealstore.cluster SET cluster_id = gen_random_uuid()")
        try await restart(expecting: "it is from another cluster")
    }

    @Test(
        "retention set once in PostgreSQL: compaction keeps the tables; nodes and watches behind it are told",
        .timeLimit(.minutes(3))
    )
    func compaction() async throws {
        let server = try DealPostgresInstance.primary()
        defer { server.destroy() }
        var first = try DealClusterDaemon.start(dataDirectory: Self.nodeDirectory("first"), conninfo: server.conninfo)
        try await DealWait.until("the first node's local cache", interval: .milliseconds(50)) {
            FileManager.default.fileExists(atPath: Self.cacheFile(first))
        }
        let directory = first.dataDirectory
        first.kill(SIGTERM)
        // Configured once for the cluster, in PostgreSQL: keep no change, compact five times a second.
        _ = try server.query(
            "UPDATE dealstore.settings SET value = '0 seconds' WHERE name = 'change_log_retention'"
        )
        _ = try server.query(
            "UPDATE dealstore.settings SET value = '200 milliseconds' WHERE name = 'compaction_interval'"
        )
        let writer = try DealClusterDaemon.start(dataDirectory: Self.nodeDirectory("writer"), conninfo: server.conninfo)
        defer { Self.stop([writer]) }
        try await withDealClient(configuration: writer.client) { client in
            for n in 0..<10 {
                _ = try await client.createDeal(DealTestRecords.createRequest(id: "compacted-\(n)"))
            }
        }
        let head = try Self.counter(server)
        try await DealWait.until("the change log compacted up to \(head)", interval: .milliseconds(50)) {
            UInt64(try server.query("SELECT compacted_revision FROM dealstore.cluster").int64(row: 0, column: 0))
                == head
        }
        #expect(try server.query("SELECT count(*) FROM dealstore.changes").int64(row: 0, column: 0) == 0)
        #expect(
            try server.query("SELECT count(*) FROM dealstore.deals WHERE id LIKE 'compacted-%'").int64(
                row: 0,
                column: 0
            ) == 10,
            "compaction must keep the deals table"
        )

        // The first node's cache is from before the compacted changes: it loads every record instead.
        first = try DealClusterDaemon.start(dataDirectory: directory, conninfo: server.conninfo)
        defer { Self.stop([first]) }
        #expect(first.errorOutput.contains("not using the node's local cache"), "\(first.errorOutput)")
        #expect(first.errorOutput.contains("is compacted from the change log"), "\(first.errorOutput)")
        try await first.waitForRevision(head)
        #expect(try await Self.missing((0..<10).map { "compacted-\($0)" }, on: first).isEmpty)

        // A watch from before what the node holds is told the oldest revision it can start from.
        try await withDealClient(configuration: first.client) { client in
            do {
                let watch = try await client.watch(fromRevision: 1)
                for try await _ in watch { break }
                Issue.record("a watch from a compacted revision started")
            } catch {
                #expect((error as? DealRPCError)?.code == .outOfRange, "\(error)")
                #expect("\(error)".contains("oldest revision"), "\(error)")
            }
        }

        // A running node that misses changes which are then compacted says so instead of serving stale reads.
        Glibc.kill(first.process.processIdentifier, SIGSTOP)
        try await withDealClient(configuration: writer.client) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "while-stopped"))
        }
        let later = try Self.counter(server)
        try await DealWait.until("the change log compacted up to \(later)", interval: .milliseconds(50)) {
            UInt64(try server.query("SELECT compacted_revision FROM dealstore.cluster").int64(row: 0, column: 0))
                == later
        }
        // It reloads every record by itself. The test holds a lock on dealstore.deals meanwhile, so that the
        // load waits and Health can be seen saying why the node does not serve.
        let locker = try DealPostgresConnection.connect(server.conninfo)
        defer { locker.close() }
        try locker.execute("BEGIN")
        try locker.execute("LOCK TABLE dealstore.deals IN ACCESS EXCLUSIVE MODE")
        Glibc.kill(first.process.processIdentifier, SIGCONT)
        try await DealWait.until("the stopped node reporting NOT_SERVING", interval: .milliseconds(100)) {
            try await first.health().status == .notServing
        }
        let reloading = try await first.health().reason
        #expect(reloading.contains("reloading every record from PostgreSQL"), "reason: \(reloading)")
        #expect(reloading.contains("is compacted from the change log"), "reason: \(reloading)")
        try locker.execute("COMMIT")
        try await DealWait.until("the reloaded node serving again", interval: .milliseconds(100)) {
            try await first.health().status == .serving
        }
        try await first.waitForRevision(later)
        #expect(try await Self.missing(["while-stopped"], on: first).isEmpty, "the reload lacks the missed write")
        // dealsd's log output is buffered: the line may be written a moment after the node serves.
        let logged = await DealWait.eventually(timeout: .seconds(30), interval: .milliseconds(20)) {
            first.errorOutput.contains("reloaded every record from PostgreSQL")
        }
        #expect(logged, "\(first.errorOutput)")
        // And it takes writes again, on top of the reloaded state.
        try await withDealClient(configuration: first.client) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "after-reload"))
        }
        try await writer.waitForRevision(later + 1)
    }

    @Test(
        "a watch from before a node's restart replays PostgreSQL's change log, then the live feed: each change once",
        .timeLimit(.minutes(3))
    )
    func watchFromRetainedHistory() async throws {
        let server = try DealPostgresInstance.primary()
        defer { server.destroy() }
        let directory = Self.nodeDirectory("history")
        let first = try DealClusterDaemon.start(dataDirectory: directory, conninfo: server.conninfo)
        let seeded = try Self.counter(server)
        try await first.waitForRevision(seeded)
        var ids: [String] = []
        func create(_ id: String, on node: DealClusterDaemon) async throws {
            try await withDealClient(configuration: node.client) { client in
                _ = try await client.createDeal(DealTestRecords.createRequest(id: id))
            }
            ids.append(id)
        }
        for n in 0..<5 { try await create("before-restart-\(n)", on: first) }
        // Restarted, the node holds no history in memory before the revision it loaded (from its cache here).
        first.kill(SIGTERM)
        let node = try DealClusterDaemon.start(dataDirectory: directory, conninfo: server.conninfo)
        defer { Self.stop([node]) }
        try await node.waitForRevision(seeded + 5)
        for n in 0..<3 { try await create("after-restart-\(n)", on: node) }
        let live = 2
        let expected = ids + (0..<live).map { "live-\($0)" }
        let replayed = ids.count
        let seen = DealAcknowledgedIDs()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withDealClient(configuration: node.client) { client in
                    let watch = try await client.watch(fromRevision: seeded)
                    for try await event in watch {
                        let count = seen.ids.withLock { seen in
                            seen.append("\(event.revision):\(event.record.deal.id)")
                            return seen.count
                        }
                        if count == expected.count { break }
                    }
                    watch.cancel()
                }
            }
            // The live changes go in once the watch has replayed the others (it then waits at the head).
            try await DealWait.until("the watch replaying the history", timeout: .seconds(30)) {
                seen.ids.withLock { $0.count } >= replayed
            }
            for n in 0..<live { try await create("live-\(n)", on: node) }
            try await group.waitForAll()
        }
        let want = expected.enumerated().map { "\(seeded + UInt64($0.offset) + 1):\($0.element)" }
        #expect(seen.ids.withLock { $0 } == want, "every change once, in revision order")
    }

    @Test(
        "a create outlasting its deadline in the synchronous-standby wait is answered OK, not ALREADY_EXISTS",
        .timeLimit(.minutes(3))
    )
    func writeOutlivesStandbyWait() async throws {
        let primary = try DealPostgresInstance.primary(synchronousStandby: true)
        defer { primary.destroy() }
        let standby = try DealPostgresInstance.standby(of: primary)
        defer { standby.destroy() }
        let nodes = try Self.startNodes(1, conninfo: primary.conninfo)
        defer { Self.stop(nodes) }
        let node = nodes[0]
        try await withDealClient(configuration: node.client) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "before-wait"))
            // Commits now wait for a standby that does not answer: the node's write outlasts its 10 s deadline,
            // it reconnects, finds nothing at the next revision and appends again, queueing behind the first
            // attempt on the counter row; the standby returns and the first attempt commits.
            standby.signalAll(SIGSTOP)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let created = try await client.createDeal(
                        DealTestRecords.createRequest(id: "waited"),
                        options: DealCallOptions(timeout: .seconds(90))
                    )
                    #expect(created.id == "waited")
                }
                try await DealWait.until(
                    "the node's second attempt queueing on the counter row",
                    timeout: .seconds(60),
                    interval: .milliseconds(50)
                ) {
                    try primary.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                        .int64(row: 0, column: 0) >= 1
                }
                standby.signalAll(SIGCONT)
                try await group.waitForAll()
            }
        }
        let rows = try primary.query("SELECT count(*) FROM dealstore.changes WHERE record_id = 'waited'")
        #expect(try rows.int64(row: 0, column: 0) == 1, "the create was appended once")
    }
}
