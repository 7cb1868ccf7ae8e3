// dealstore-bench: DealStore's performance figures with a million generated deals.
//
//   swift build -c release --product dealstore-bench
//   .build/release/dealstore-bench [--deals 1000000] [--dir /tmp/dealstore-bench]
//   .build/release/dealstore-bench --recover DIR [--recover-only]   (one recovery of DIR; --recover-only skips reads)
//   .build/release/dealstore-bench --fx      (the bundled FX table: load time, lookups and conversions per second)
//   .build/release/dealstore-bench --write-latency [--preload 100000] [--writers 64] [--seconds 10]
//       (creates with fsync always from concurrent writers, the store alone: calls/s, p50, p99, p99.9, max)
//
// Phases: generate (import, snapshot, then extra records in the log), recovery + reads + memory in fresh child
// processes (so RSS reflects only the loaded store), then write throughput with fsync always (1 vs 64 writers).
import DealModel
import DealStore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

func argument(_ name: String) -> String? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else {
        return nil
    }
    return CommandLine.arguments[index + 1]
}

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// CPU time of the whole process: on this shared 2-core machine, wall time depends on the other tenants' load.
func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func secondsAsync(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

if CommandLine.arguments.contains("--fx") {
    // The bundled FX table: what a store open pays to read it, and what normalising an amount costs.
    var table: DealFXTable?
    let loads = try (0..<20).map { _ in try seconds { table = try DealFXRates.decodeBundled() } }
    guard let table else { exit(1) }
    print("fx table: \(table.dayCount) days, \(table.rateCount) rates, \(table.currencies.count) currencies")
    print(String(format: "fx load: median %.2f ms of 20", median(loads) * 1000))
    let currencies = ["EUR", "GBP", "JPY", "CHF", "CAD"]
    var converted = 0
    let count = 1_000_000
    let elapsed = seconds {
        for index in 0..<count {
            var date = Dealstore_V1_PartialDate()
            date.year = Int32(2000 + index % 26)
            date.month = Int32(1 + index % 12)
            date.day = Int32(1 + index % 28)
            date.precision = .day
            var money = Dealstore_V1_Money()
            money.currencyCode = currencies[index % currencies.count]
            money.units = Int64(index) * 1_000
            if table.normalize(money, to: "USD", at: date).status == .converted { converted += 1 }
        }
    }
    print(
        String(format: "fx normalize: %.0f amounts/s (%d of %d converted)", Double(count) / elapsed, converted, count)
    )
    exit(0)
}

let investorCount = 1_000
let targetCount = 20_000

func organization(_ id: String, _ name: String) -> Dealstore_V1_DealRecord {
    var record = Dealstore_V1_DealRecord()
    record.organization.id = id
    record.organization.name = name
    record.organization.kind = .company
    return record
}

func money(_ units: Int64) -> Dealstore_V1_Money {
    var money = Dealstore_V1_Money()
    money.currencyCode = "USD"
    money.units = units
    return money
}

/// A deal of typical size: two participations, one tranche, one source, a title and a date.
func generatedDeal(_ index: Int) -> Dealstore_V1_DealRecord {
    var deal = Dealstore_V1_Deal()
    deal.id = "deal-\(index)"
    deal.targetID = "t-\(index % targetCount)"
    deal.type = index % 3 == 0 ? .venture : .corporateStrategic
    deal.status = .announced
    deal.title = "Generated deal \(index)"
    deal.announced.year = Int32(2000 + index % 25)
    deal.announced.month = Int32(index % 12 + 1)
    deal.announced.precision = .month
    let amount = Int64((index * 7_919) % 1_000_000) * 1_000
    deal.amount = money(amount)
    var lead = Dealstore_V1_Participation()
    lead.investorID = "i-\(index % investorCount)"
    lead.role = .lead
    lead.committed = money(amount / 2)
    var other = Dealstore_V1_Participation()
    other.investorID = "i-\((index * 31 + 7) % investorCount)"
    other.role = .participant
    other.committed = money(amount / 2)
    deal.participations = other.investorID == lead.investorID ? [lead] : [lead, other]
    var tranche = Dealstore_V1_Tranche()
    tranche.id = "t1"
    tranche.investorID = lead.investorID
    tranche.amount = money(amount / 2)
    tranche.kind = .upfront
    tranche.status = .funded
    deal.tranches = [tranche]
    var source = Dealstore_V1_Source()
    source.id = "s1"
    source.publisher = "Bench Wire"
    source.url = "https://example.com/deal/\(index)"
    deal.sources = [source]
    var record = Dealstore_V1_DealRecord()
    record.deal = deal
    return record
}

var logger = Logger(label: "dealstore-bench")
logger.logLevel = .warning

func options(_ policy: DealFsyncPolicy) -> DealStoreOptions {
    DealStoreOptions(fsyncPolicy: policy, snapshotEvery: 0, seedIfEmpty: false, changeHistoryLimit: 1_000)
}

func generate(directory: String, deals: Int) async throws {
    try? FileManager.default.removeItem(atPath: directory)
    let store = try await DealStore.open(directory: directory, options: options(.none), logger: logger)
    var organizations: [Dealstore_V1_DealRecord] = []
    for index in 0..<investorCount { organizations.append(organization("i-\(index)", "Investor \(index)")) }
    for index in 0..<targetCount { organizations.append(organization("t-\(index)", "Target \(index)")) }
    _ = try await store.importRecords(organizations)
    let logged = min(20_000, deals / 10)
    let snapshotted = deals - logged
    let time = try await secondsAsync {
        var start = 0
        while start < snapshotted {
            let end = min(snapshotted, start + 10_000)
            let result = try await store.importRecords((start..<end).map(generatedDeal))
            precondition(result.rejections.isEmpty, "\(result.rejections.first!)")
            start = end
        }
    }
    print(
        String(
            format: "generate: %d deals imported in %.1f s (%.0f deals/s, fsync none)",
            snapshotted,
            time,
            Double(snapshotted) / time
        )
    )
    let snapshotTime = try await secondsAsync { try await store.snapshot() }
    print(String(format: "snapshot: %.2f s", snapshotTime))
    _ = try await store.importRecords((snapshotted..<deals).map(generatedDeal))
    print("log: \(logged) more deals in the write-ahead log after the snapshot")
    try await store.close()
}

/// Child process: recovery time, memory per deal, reads.
func recoverAndRead(directory: String) async throws {
    let before = residentBytes()
    let cpuBefore = processCPUSeconds()
    let start = ContinuousClock.now
    let store = try await DealStore.open(directory: directory, options: options(.none), logger: logger)
    let elapsed = ContinuousClock.now - start
    let recovery = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let cpu = processCPUSeconds() - cpuBefore
    let after = residentBytes()
    let count = store.dealCount
    print("RECOVERY \(recovery) \(after - before) \(count)")
    print("RECOVERYCPU \(cpu)")
    // For profiling recovery alone (`perf record`): the reads below would dominate the profile.
    if CommandLine.arguments.contains("--recover-only") { exit(0) }

    var generator = SystemRandomNumberGenerator()
    let ids = (0..<200_000).map { _ in "deal-\(Int.random(in: 0..<count, using: &generator))" }
    var getRates: [Double] = []
    for _ in 0..<5 {
        let time = try seconds { for id in ids { _ = try store.deal(id: id) } }
        getRates.append(Double(ids.count) / time)
    }
    print("GET \(median(getRates))")
    var rawRates: [Double] = []
    for _ in 0..<5 {
        let time = try seconds { for id in ids { _ = try store.dealBytes(id: id) } }
        rawRates.append(Double(ids.count) / time)
    }
    print("GETBYTES \(median(rawRates))")

    var filter = Dealstore_V1_DealFilter()
    filter.investorIds = ["i-42"]
    var listTimes: [Double] = []
    var total = 0
    for _ in 0..<7 {
        listTimes.append(
            try seconds {
                for _ in 0..<20 {
                    total = try store.listDeals(filter: filter, orderBy: "amount desc, id", pageSize: 50).totalSize
                }
            } / 20
        )
    }
    print("LIST \(median(listTimes)) \(total)")
    var fullScan: [Double] = []
    var yearFilter = Dealstore_V1_DealFilter()
    yearFilter.announcedFrom.year = 2010
    yearFilter.announcedFrom.precision = .year
    yearFilter.announcedTo.year = 2010
    yearFilter.announcedTo.precision = .year
    for _ in 0..<5 {
        fullScan.append(try seconds { _ = try store.listDeals(filter: yearFilter, orderBy: "amount desc, id") })
    }
    print("SCAN \(median(fullScan))")
    var summaryTimes: [Double] = []
    var groups = 0
    for _ in 0..<5 {
        summaryTimes.append(try seconds { groups = try store.summarize(groupBy: .investor).count })
    }
    print("SUMMARY \(median(summaryTimes)) \(groups)")
    try await store.close()
}

func writeThroughput(writers: Int, duration: Double) async throws -> Double {
    let directory = NSTemporaryDirectory() + "dealstore-bench-writes-\(writers)"
    try? FileManager.default.removeItem(atPath: directory)
    let store = try await DealStore.open(directory: directory, options: options(.always), logger: logger)
    _ = try await store.importRecords(
        [organization("i-0", "Investor 0"), organization("t-0", "Target 0")]
            + (1..<investorCount).map { organization("i-\($0)", "I \($0)") }
            + (1..<targetCount).map { organization("t-\($0)", "T \($0)") }
    )
    let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
    let start = ContinuousClock.now
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var count = 0
                while ContinuousClock.now < deadline {
                    var record = generatedDeal(writer * 10_000_000 + count)
                    record.deal.id = "w\(writer)-\(count)"
                    _ = try await store.createDeal(record.deal)
                    count += 1
                }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = ContinuousClock.now - start
    let time = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    try await store.close()
    try? FileManager.default.removeItem(atPath: directory)
    return Double(total) / time
}

/// The store's own create latency with fsync always (no network, no TLS): `writers` concurrent creators on a store
/// preloaded with `preload` deals and automatic snapshots as dealsd's default (every 100,000 records), so a
/// tail from publication, freeing old versions or a snapshot shows here. Prints calls/s and percentiles.
func writeLatency(preload: Int, writers: Int, duration: Double) async throws {
    let directory = NSTemporaryDirectory() + "dealstore-bench-latency"
    try? FileManager.default.removeItem(atPath: directory)
    let store = try await DealStore.open(
        directory: directory,
        options: DealStoreOptions(fsyncPolicy: .always, seedIfEmpty: false),
        logger: logger
    )
    _ = try await store.importRecords(
        (0..<investorCount).map { organization("i-\($0)", "Investor \($0)") }
            + (0..<targetCount).map { organization("t-\($0)", "Target \($0)") }
    )
    var start = 0
    while start < preload {
        let end = min(preload, start + 10_000)
        _ = try await store.importRecords((start..<end).map(generatedDeal))
        start = end
    }
    let began = ContinuousClock.now
    let deadline = began + .milliseconds(Int(duration * 1000))
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for writer in 0..<writers {
            group.addTask {
                var own: [Double] = []
                while ContinuousClock.now < deadline {
                    var record = generatedDeal(preload + writer * 10_000_000 + own.count)
                    record.deal.id = "w\(writer)-\(own.count)"
                    let callStart = ContinuousClock.now
                    _ = try await store.createDeal(record.deal)
                    let elapsed = ContinuousClock.now - callStart
                    own.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
                }
                return own
            }
        }
        var all: [Double] = []
        for try await part in group { all += part }
        return all.sorted()
    }
    let elapsed = ContinuousClock.now - began
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    try await store.close()
    try? FileManager.default.removeItem(atPath: directory)
    func percentile(_ p: Double) -> Double {
        latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
    }
    print(
        String(
            format: "WRITELATENCY writers %d preload %d: %.0f creates/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
                + "max %.2f ms, p99.9/p50 %.1f",
            writers,
            preload,
            Double(latencies.count) / seconds,
            percentile(0.5),
            percentile(0.99),
            percentile(0.999),
            latencies.last ?? 0,
            percentile(0.999) / max(percentile(0.5), 1e-9)
        )
    )
}

let directory = argument("--dir") ?? NSTemporaryDirectory() + "dealstore-bench"
if CommandLine.arguments.contains("--write-latency") {
    try await writeLatency(
        preload: Int(argument("--preload") ?? "100000") ?? 100_000,
        writers: Int(argument("--writers") ?? "64") ?? 64,
        duration: Double(argument("--seconds") ?? "10") ?? 10
    )
    exit(0)
}
if let recoverDirectory = argument("--recover") {
    try await recoverAndRead(directory: recoverDirectory)
    exit(0)
}
let deals = Int(argument("--deals") ?? "1000000") ?? 1_000_000
print("dealstore-bench: \(deals) deals, \(ProcessInfo.processInfo.activeProcessorCount) cores, directory \(directory)")
try await generate(directory: directory, deals: deals)
if CommandLine.arguments.contains("--generate-only") { exit(0) }

var recoveries: [Double] = []
var memory: [Double] = []
var lines: [String: [Double]] = [:]
var extra: [String: String] = [:]
for _ in 0..<3 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["--recover", directory]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    for line in output.split(separator: "\n") {
        let fields = line.split(separator: " ")
        guard fields.count >= 2, let value = Double(fields[1]) else { continue }
        lines[String(fields[0]), default: []].append(value)
        if fields[0] == "RECOVERY", fields.count == 4, let rss = Double(fields[2]), let count = Double(fields[3]) {
            memory.append(rss / count)
            extra["count"] = String(fields[3])
        }
        if fields.count == 3 { extra[String(fields[0])] = String(fields[2]) }
    }
}
print(
    String(
        format: "recovery (snapshot + log) to serving: median %.2f s over 3 runs, %@ deals",
        median(lines["RECOVERY"] ?? []),
        extra["count"] ?? "?"
    )
)
print(String(format: "recovery CPU time (all threads): median %.2f s", median(lines["RECOVERYCPU"] ?? [])))
print(String(format: "memory: median %.0f bytes per deal (RSS delta of the open store / deals)", median(memory)))
print(String(format: "get by id (decoded message): median %.0f gets/s (1 thread)", median(lines["GET"] ?? [])))
print(String(format: "get by id (stored bytes): median %.0f gets/s (1 thread)", median(lines["GETBYTES"] ?? [])))
print(
    String(
        format: "list, investor filter (index) + amount desc, 50/page: median %.3f ms (%@ matches)",
        median(lines["LIST"] ?? []) * 1000,
        extra["LIST"] ?? "?"
    )
)
print(String(format: "list, year filter (full scan): median %.1f ms", median(lines["SCAN"] ?? []) * 1000))
print(
    String(
        format: "summary by investor over all deals: median %.1f ms (%@ groups)",
        median(lines["SUMMARY"] ?? []) * 1000,
        extra["SUMMARY"] ?? "?"
    )
)

for writers in [1, 64] {
    var rates: [Double] = []
    for _ in 0..<3 { rates.append(try await writeThroughput(writers: writers, duration: 2)) }
    print(String(format: "writes, fsync always, %d writer(s): median %.0f writes/s", writers, median(rates)))
}
try? FileManager.default.removeItem(atPath: directory)
