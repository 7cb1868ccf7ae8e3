// dealcluster-bench: the lag from a commit in PostgreSQL to every cluster node publishing it (Benchmarks/cluster.sh).
//
//   swift build -c release --product dealcluster-bench
//   .build/release/dealcluster-bench --postgres CONNINFO --node ADDR,CA,TOKEN_FILE [--node ...] [--writes 1000]
//       [--interval-ms 5]
//
// It opens a WatchDeals on every node (each established before the first write), then creates `--writes` deals one
// at a time through the first node, `--interval-ms` apart (a light, steady load: lag, not throughput). Each watch
// notes the wall-clock time its node delivered each revision. PostgreSQL's commit timestamps
// (`track_commit_timestamp = on`, pg_xact_commit_timestamp of the change row) say when each revision committed; the
// lag of a revision on a node is delivery minus commit, and "every" is the largest over the nodes (the time until
// the last node has it). Same machine, same clock. Prints one line:
//
//   dealcluster lag writes=1000 nodes=3 write_p50_us=… write_p99_us=… node1_p50_us=… … every_p50_us=… every_p99_us=…
//
// Without commit timestamps (the server's setting off) it reports delivery minus the moment the write was sent.
import DealClient
import DealModel
import DealPostgres
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct Node: Sendable {
    var address: String
    var configuration: DealClientConfiguration
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("dealcluster-bench: \(message)\n".utf8))
    exit(2)
}

func values(_ name: String) -> [String] {
    var result: [String] = []
    var index = 1
    let arguments = CommandLine.arguments
    while index < arguments.count {
        if arguments[index] == name, index + 1 < arguments.count {
            result.append(arguments[index + 1])
            index += 2
        } else {
            index += 1
        }
    }
    return result
}

func parseNode(_ text: String) -> Node {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3, let colon = parts[0].lastIndex(of: ":"),
        let port = Int(parts[0][parts[0].index(after: colon)...])
    else { fail("--node wants HOST:PORT,CA_FILE,TOKEN_FILE, not \(text)") }
    var configuration = DealClientConfiguration(host: String(parts[0][..<colon]), port: port)
    configuration.trustRootsFile = parts[1]
    configuration.tokenFile = parts[2]
    configuration.sendsMinimumRevision = false
    return Node(address: parts[0], configuration: configuration)
}

/// Microseconds since the Unix epoch (the clock PostgreSQL's commit timestamps use).
func nowMicros() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
}

func percentile(_ values: [Int64], _ fraction: Double) -> Int64 {
    guard !values.isEmpty else { return -1 }
    let sorted = values.sorted()
    let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))
    return sorted[index]
}

let nodes = values("--node").map(parseNode)
guard let conninfo = values("--postgres").last else { fail("--postgres CONNINFO is required") }
guard !nodes.isEmpty else { fail("at least one --node is required (the first is written through)") }
let writes = Int(values("--writes").last ?? "1000") ?? 1000
let interval = Duration.milliseconds(Int(values("--interval-ms").last ?? "5") ?? 5)
let run = String(UUID().uuidString.prefix(8)).lowercased()

func deal(_ n: Int, run: String) -> Deal {
    var deal = Deal()
    deal.id = "lag-\(run)-\(n)"
    deal.targetID = "anthropic"
    deal.type = .corporateStrategic
    deal.status = .announced
    deal.title = "lag probe \(n)"
    deal.announced.year = 2024
    deal.announced.precision = .year
    return deal
}

/// What a measurement saw: per write its send and acknowledgement times, the revisions written, and per node the
/// wall-clock microsecond each revision was delivered by its watch.
struct Observed: Sendable {
    var sent: [Int64] = []
    var acknowledged: [Int64] = []
    var first: UInt64 = 0
    var last: UInt64 = 0
    var delivered: [[UInt64: Int64]] = []
}

/// What the watch tasks share with the writer.
final class Deliveries: Sendable {
    let times: Mutex<[[UInt64: Int64]]>
    let established = Mutex(0)

    init(nodes: Int) { self.times = Mutex(Array(repeating: [:], count: nodes)) }
}

func measure(nodes: [Node], writes: Int, interval: Duration, run: String) async throws -> Observed {
    let deliveries = Deliveries(nodes: nodes.count)
    var observed = try await withThrowingTaskGroup(of: Observed?.self) { group in
        for (index, node) in nodes.enumerated() {
            group.addTask {
                try await withDealClient(configuration: node.configuration) { client in
                    let watch = try await client.watch()
                    deliveries.established.withLock { $0 += 1 }
                    var seen = 0
                    for try await event in watch {
                        let time = nowMicros()
                        deliveries.times.withLock { $0[index][event.revision] = time }
                        if event.record.deal.id.hasPrefix("lag-\(run)-") { seen += 1 }
                        if seen == writes { break }
                    }
                    watch.cancel()
                    return nil
                }
            }
        }
        while deliveries.established.withLock({ $0 }) < nodes.count { try await Task.sleep(for: .milliseconds(10)) }
        let result = try await withDealClient(configuration: nodes[0].configuration) { client in
            var observed = Observed()
            for n in 0..<writes {
                let start = nowMicros()
                let created = try await client.createDeal(deal(n, run: run))
                observed.sent.append(start)
                observed.acknowledged.append(nowMicros())
                if n == 0 { observed.first = created.meta.updateRevision }
                observed.last = created.meta.updateRevision
                try await Task.sleep(for: interval)
            }
            return observed
        }
        // Every node's watch has delivered every revision written, or 30 s have passed.
        for _ in 0..<3000 {
            let complete = deliveries.times.withLock { maps in
                maps.allSatisfy { $0.keys.filter { $0 >= result.first }.count >= writes }
            }
            if complete { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        group.cancelAll()
        return result
    }
    observed.delivered = deliveries.times.withLock { $0 }
    return observed
}

let observed = try await measure(nodes: nodes, writes: writes, interval: interval, run: run)
let (sent, acknowledged, first, last) = (observed.sent, observed.acknowledged, observed.first, observed.last)

// Commit timestamps, one per revision written.
var committed: [UInt64: Int64] = [:]
do {
    let connection = try DealPostgresConnection.connect(conninfo)
    defer { connection.close() }
    let rows = try connection.execute(
        """
        SELECT revision, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000000)::bigint
        FROM dealstore.changes WHERE revision BETWEEN $1 AND $2
        """,
        [.int64(Int64(first)), .int64(Int64(last))]
    )
    for row in rows.rows.indices {
        committed[UInt64(try rows.int64(row: row, column: 0))] = try rows.int64(row: row, column: 1)
    }
} catch {
    FileHandle.standardError.write(
        Data("dealcluster-bench: no commit timestamps (track_commit_timestamp = off?): \(error)\n".utf8)
    )
}

let maps = observed.delivered
let revisions = Array(first...max(first, last))
// What a revision's lag is measured from: its commit in PostgreSQL, or (without timestamps) the write's start.
let useCommit = committed.count == revisions.count
let origin: [UInt64: Int64] =
    useCommit
    ? committed
    : Dictionary(uniqueKeysWithValues: zip(revisions, sent))
var line = "dealcluster lag writes=\(writes) nodes=\(nodes.count) from=\(useCommit ? "commit" : "send")"
let writeLatency = zip(sent, acknowledged).map { $1 - $0 }
line += " write_p50_us=\(percentile(writeLatency, 0.5)) write_p99_us=\(percentile(writeLatency, 0.99))"
var every: [Int64] = []
var missing = 0
for revision in revisions {
    guard let start = origin[revision] else { continue }
    let times = maps.compactMap { $0[revision] }
    if times.count < maps.count { missing += 1 } else if let latest = times.max() { every.append(latest - start) }
}
for (index, deliveries) in maps.enumerated() {
    var lags: [Int64] = []
    for revision in revisions {
        if let start = origin[revision], let time = deliveries[revision] { lags.append(time - start) }
    }
    line += " node\(index + 1)_p50_us=\(percentile(lags, 0.5)) node\(index + 1)_p99_us=\(percentile(lags, 0.99))"
}
line += " every_p50_us=\(percentile(every, 0.5)) every_p99_us=\(percentile(every, 0.99))"
line += " every_max_us=\(every.max() ?? -1) undelivered=\(missing)"
if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
    line += " load=\(load.split(separator: " ").first ?? "")"
}
print(line)
