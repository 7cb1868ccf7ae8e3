import DealModel
public import Logging
import SwiftProtobuf

/// Loads a store directory: the newest valid snapshot, then every log record after it.
///
/// Also the engine of ``DealStore/check(directory:logger:)`` (reads, changes nothing) and
/// ``DealStore/repair(directory:logger:)`` (cuts the log at the first damage).
enum DealRecovery {
    enum Mode {
        case open
        case check
        case repair
    }

    struct Result: Sendable {
        var state: DealStoreState
        /// The segment new records go to (its first revision), when the last segment can take more.
        var appendSegment: UInt64?
        /// True when the directory held no snapshot and no log.
        var isNew: Bool
        var report: DealStoreCheckReport
    }

    static func snapshotName(revision: UInt64) -> String {
        "snapshot-" + DealCommitter.hex16(revision) + ".snap"
    }

    static func parse(_ name: String, prefix: String, suffix: String) -> UInt64? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        let hex = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard hex.count == 16 else { return nil }
        return UInt64(hex, radix: 16)
    }

    static func recover(
        directory: String,
        mode: Mode,
        historyLimit: Int,
        logger: Logger
    ) throws -> Result {
        var report = DealStoreCheckReport(directory: directory)
        if mode == .open { try DealFileIO.makeDirectory(directory) }
        let names = try DealFileIO.listDirectory(directory)
        for name in names where name.hasSuffix(".tmp") {
            // A snapshot interrupted before its rename: never complete, never referenced.
            report.notes.append("ignored unfinished snapshot \(name)")
            if mode != .check { DealFileIO.remove(directory + "/" + name) }
            logger.warning("removing unfinished snapshot", metadata: ["file": "\(name)"])
        }
        let snapshots = names.compactMap { name in
            Self.parse(name, prefix: "snapshot-", suffix: ".snap").map { (revision: $0, name: name) }
        }.sorted { $0.revision > $1.revision }
        let segments = names.compactMap { name in
            Self.parse(name, prefix: "wal-", suffix: ".log").map { (first: $0, name: name) }
        }.sorted { $0.first < $1.first }

        var state = DealStoreState()
        state.historyLimit = max(1, historyLimit)
        var unreadable: [String] = []
        let clock = ContinuousClock()
        let started = clock.now
        for snapshot in snapshots {
            do {
                state = try DealSnapshotFile.load(path: directory + "/" + snapshot.name, historyLimit: historyLimit)
                report.snapshotRevision = snapshot.revision
                report.snapshotFile = snapshot.name
                break
            } catch {
                unreadable.append("\(error)")
                report.notes.append("snapshot \(snapshot.name) is unreadable (\(error)); trying an older one")
                logger.error("unreadable snapshot", metadata: ["file": "\(snapshot.name)", "error": "\(error)"])
            }
        }
        if !snapshots.isEmpty && report.snapshotFile == nil {
            // Without any snapshot the log alone would give an empty or partial store (the segments a snapshot
            // covers are deleted): never serve that as if it were the data.
            let problem = "no snapshot is readable: " + unreadable.joined(separator: "; ")
            report.problems.append(problem)
            if mode != .check {
                throw DealStoreError(
                    code: .dataLoss,
                    message: problem + ". Refusing to start: the deals it holds would be missing. Restore the "
                        + "snapshot from a backup (the damaged file is left as it is)."
                )
            }
        }
        report.snapshotSeconds = (clock.now - started).seconds
        let base = state.revision
        if report.snapshotFile == nil, let first = segments.first, first.first > base + 1 {
            // The log starts after revision 1 and no snapshot covers what came before: a snapshot was deleted or
            // lost. Opening would serve an empty store and then write over its history.
            let problem =
                "\(directory)/\(first.name) starts at revision \(first.first) but no snapshot holds revisions 1 to "
                + "\(first.first - 1)"
            report.problems.append(problem)
            if mode != .check {
                throw DealStoreError(
                    code: .dataLoss,
                    message: problem + ". Refusing to start: those deals would be missing. Restore the snapshot "
                        + "file (snapshot-*.snap) from a backup."
                )
            }
            return Result(state: state, appendSegment: nil, isNew: false, report: report)
        }
        state.snapshotRevision = base
        // The change feed holds everything after the compaction record's revision that the segments hold: they go
        // only whole, by compaction, so the first segment's records are all there. A store written before history
        // was retained (its snapshots removed the segments they covered) has no record: its feed starts at its first
        // segment, or after its snapshot.
        let recorded = try DealCompactionRecord.read(directory: directory)
        let firstLogged = segments.first.map { $0.first - 1 } ?? base
        state.compactedRevision = max(recorded, firstLogged)
        report.compactedRevision = state.compactedRevision
        var expected = base + 1
        var appendSegment: UInt64?
        for (index, segment) in segments.enumerated() {
            let path = directory + "/" + segment.name
            let isLast = index == segments.count - 1
            if !isLast && segments[index + 1].first <= base + 1 {
                // Entirely covered by the snapshot (left over by a crash before its deletion).
                continue
            }
            let bytes = try DealFileIO.readFile(path)
            let scan = DealLogFrame.scan(bytes)
            report.segments += 1
            // The records of an atomic write (batch_last_revision, see DealWriteBatch.markAtomic) wait here until
            // its last one is read: a write cut short by a crash is cut off whole, like a torn record.
            var atomic: [(event: Dealstore_V1_ChangeEvent, dealBytes: [UInt8]?, offset: Int)] = []
            for range in scan.frames {
                let event: Dealstore_V1_ChangeEvent
                do {
                    event = try Dealstore_V1_ChangeEvent(serializedBytes: Array(bytes[range]))
                } catch {
                    throw DealStoreError(
                        code: .dataLoss,
                        message: "\(path) offset \(range.lowerBound - DealLogFrame.headerSize): a record with a valid "
                            + "checksum does not decode; restore from a backup",
                        cause: error
                    )
                }
                if event.revision <= base { continue }
                if event.revision != expected {
                    throw DealStoreError(
                        code: .dataLoss,
                        message: "\(path) offset \(range.lowerBound - DealLogFrame.headerSize): revision "
                            + "\(event.revision) follows \(expected - 1) (records are missing); restore from a backup"
                    )
                }
                let dealBytes = DealLogFrame.dealBytesRange(inEvent: bytes, range).map { Array(bytes[$0]) }
                expected += 1
                if event.batchLastRevision > event.revision || !atomic.isEmpty {
                    atomic.append((event, dealBytes, range.lowerBound - DealLogFrame.headerSize))
                    if event.batchLastRevision > event.revision { continue }
                    for record in atomic { try state.apply(record.event, dealBytes: record.dealBytes) }
                    report.records += atomic.count
                    atomic.removeAll()
                    continue
                }
                try state.apply(event, dealBytes: dealBytes)
                report.records += 1
            }
            var end = scan.end
            if let first = atomic.first {
                let cut =
                    "an atomic write of revisions \(first.event.revision) to \(first.event.batchLastRevision) ends "
                    + "after \(atomic.count) of its records"
                switch end {
                case .clean: end = .torn(offset: first.offset, reason: cut)
                case .torn(_, let reason): end = .torn(offset: first.offset, reason: cut + " (\(reason))")
                case .corrupt(_, let reason, let next):
                    end = .corrupt(offset: first.offset, reason: cut + " (\(reason))", nextValidOffset: next)
                }
            }
            switch end {
            case .clean:
                break
            case .torn(let offset, let reason):
                if isLast {
                    report.notes.append("\(segment.name): torn record at offset \(offset) (\(reason)) cut off")
                    logger.warning(
                        "cutting off a torn record at the end of the log (a write interrupted by a crash; it was never acknowledged)",
                        metadata: ["file": "\(path)", "offset": "\(offset)", "reason": "\(reason)"]
                    )
                    if mode != .check { try DealFileIO.truncateFile(path, to: offset) }
                } else {
                    try Self.damage(
                        path: path,
                        offset: offset,
                        reason: reason,
                        detail: "later log segments follow",
                        directory: directory,
                        mode: mode,
                        laterSegments: segments[(index + 1)...].map { directory + "/" + $0.name },
                        report: &report
                    )
                    return Result(state: state, appendSegment: nil, isNew: false, report: report)
                }
            case .corrupt(let offset, let reason, let next):
                try Self.damage(
                    path: path,
                    offset: offset,
                    reason: reason,
                    detail: "a valid record follows at offset \(next), so this is not a torn write",
                    directory: directory,
                    mode: mode,
                    laterSegments: segments[(index + 1)...].map { directory + "/" + $0.name },
                    report: &report
                )
                return Result(state: state, appendSegment: nil, isNew: false, report: report)
            }
            if isLast { appendSegment = segment.first }
        }
        report.lastRevision = state.revision
        state.durableRevision = state.revision
        state.publishedRevision = state.revision
        let isNew = snapshots.isEmpty && segments.isEmpty
        return Result(state: state, appendSegment: appendSegment, isNew: isNew, report: report)
    }

    // swift-format-ignore: FunctionParameterCount
    private static func damage(
        path: String,
        offset: Int,
        reason: String,
        detail: String,
        directory: String,
        mode: Mode,
        laterSegments: [String],
        report: inout DealStoreCheckReport
    ) throws {
        let problem = "\(path) is damaged at offset \(offset): \(reason); \(detail)"
        report.problems.append(problem)
        switch mode {
        case .open:
            throw DealStoreError(
                code: .dataLoss,
                message: problem + ". Refusing to start: acknowledged writes after this point would be lost. "
                    + "Restore the directory from a backup, or run `dealsd repair \(directory)` to cut the log at "
                    + "offset \(offset) (the records after it are lost)."
            )
        case .check:
            return
        case .repair:
            try DealFileIO.truncateFile(path, to: offset)
            for later in laterSegments { DealFileIO.remove(later) }
            try DealFileIO.syncDirectory(directory)
            report.notes.append(
                "repaired: cut \(path) at offset \(offset), removed \(laterSegments.count) later segment(s)"
            )
        }
    }
}

/// What ``DealStore/check(directory:logger:)`` or ``DealStore/repair(directory:logger:)`` found.
public struct DealStoreCheckReport: Sendable, CustomStringConvertible {
    /// The directory examined.
    public var directory: String
    /// The snapshot loaded, if any.
    public var snapshotFile: String?
    /// The revision of that snapshot (0 without one).
    public var snapshotRevision: UInt64 = 0
    /// The last valid revision found.
    public var lastRevision: UInt64 = 0
    /// Log segments read.
    public var segments = 0
    /// Log records replayed after the snapshot.
    public var records = 0
    /// Seconds spent loading the snapshot (decoding it and building every index), when opening.
    public var snapshotSeconds = 0.0
    /// Changes at or below this revision are compacted: the oldest revision a watch can start from.
    public var compactedRevision: UInt64 = 0
    /// Damage that prevents opening (empty when the store opens).
    public var problems: [String] = []
    /// Things fixed or tolerated (torn tails cut off, unfinished snapshots ignored, repairs made).
    public var notes: [String] = []

    /// Creates an empty report.
    public init(directory: String) {
        self.directory = directory
    }

    /// True when the store opens without repair.
    public var isHealthy: Bool { self.problems.isEmpty }

    public var description: String {
        var lines = [
            "directory: \(self.directory)",
            "snapshot: \(self.snapshotFile ?? "none") (revision \(self.snapshotRevision))",
            "log: \(self.segments) segment(s), \(self.records) record(s), last revision \(self.lastRevision)",
            "change history: after revision \(self.compactedRevision) (compacted up to it)",
        ]
        lines += self.notes.map { "note: \($0)" }
        lines += self.problems.map { "PROBLEM: \($0)" }
        lines.append(self.isHealthy ? "status: ok" : "status: damaged (run repair, or restore from a backup)")
        return lines.joined(separator: "\n")
    }
}

extension DealStore {
    /// Examines a store directory without changing it: snapshot, segments, records, damage.
    ///
    /// `dealsd check DIR` prints the report. The store must not be open.
    public static func check(
        directory: String,
        logger: Logger = Logger(label: "DealStore")
    ) throws
        -> DealStoreCheckReport
    {
        var result = try DealRecovery.recover(directory: directory, mode: .check, historyLimit: 1, logger: logger)
        result.report.lastRevision = result.state.revision
        return result.report
    }

    /// Repairs a damaged store directory by cutting the log at its first damage (losing the records after it) and
    /// removing unfinished snapshots. `dealsd repair DIR` runs it; the store must not be open.
    public static func repair(
        directory: String,
        logger: Logger = Logger(label: "DealStore")
    ) throws
        -> DealStoreCheckReport
    {
        var result = try DealRecovery.recover(directory: directory, mode: .repair, historyLimit: 1, logger: logger)
        result.report.lastRevision = result.state.revision
        return result.report
    }
}
