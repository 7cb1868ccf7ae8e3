import DealModel
import Dispatch
import Foundation
import SwiftProtobuf
import Synchronization

/// The snapshot file format: frames (see ``DealLogFrame``) whose payload starts with a tag byte: `H` header
/// (revision, counts), `O` an organization, `I` a deal (protobuf binary plus its index entry, see
/// `DealIndexEntry+Codec.swift`; `D`, protobuf only, is also read), `E` trailer repeating the header.
///
/// Written to `snapshot-<revision>.snap.tmp`, fsynced, renamed, and the directory fsynced, so a snapshot file
/// under its final name is always complete; the trailer guards against a copy truncated by other means.
enum DealSnapshotFile {
    static func header(tag: UInt8, revision: UInt64, organizations: Int, deals: Int) -> [UInt8] {
        var payload: [UInt8] = [tag]
        for value in [revision, UInt64(organizations), UInt64(deals)] {
            for shift in stride(from: 0, to: 64, by: 8) {
                payload.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }
        return payload
    }

    static func readHeader(_ payload: ArraySlice<UInt8>) -> (tag: UInt8, revision: UInt64, orgs: Int, deals: Int)? {
        guard payload.count == 25 else { return nil }
        let base = payload.startIndex
        func value(_ index: Int) -> UInt64 {
            var result: UInt64 = 0
            for byte in 0..<8 { result |= UInt64(payload[base + 1 + index * 8 + byte]) << UInt64(byte * 8) }
            return result
        }
        return (payload[base], value(0), Int(value(1)), Int(value(2)))
    }

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes the snapshot of `organizations` and `deals` at `revision` durably into `directory`.
    static func write(
        directory: String,
        revision: UInt64,
        organizations: [String: Dealstore_V1_Organization],
        deals: [String: DealIndexEntry]
    ) throws {
        let finalPath = directory + "/" + DealRecovery.snapshotName(revision: revision)
        let temporaryPath = finalPath + ".tmp"
        let fd = try DealFileIO.createTruncating(temporaryPath)
        var closed = false
        defer { if !closed { DealFileIO.closeFile(fd) } }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4 << 20)
        func flushIfFull(_ force: Bool = false) throws {
            if buffer.count >= 4 << 20 || (force && !buffer.isEmpty) {
                try DealFileIO.writeAll(fd, buffer, path: temporaryPath)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        DealLogFrame.append(
            Self.header(
                tag: UInt8(ascii: "H"),
                revision: revision,
                organizations: organizations.count,
                deals: deals.count
            ),
            to: &buffer
        )
        for id in organizations.keys.sorted() {
            var payload: [UInt8] = [UInt8(ascii: "O")]
            payload.append(contentsOf: try organizations[id]!.serializedBytes() as [UInt8])
            DealLogFrame.append(payload, to: &buffer)
            try flushIfFull()
        }
        var payload: [UInt8] = []
        for entry in deals.values {
            // The deal's bytes with its index entry, so recovery needs no protobuf decoding.
            payload.removeAll(keepingCapacity: true)
            payload.append(UInt8(ascii: "I"))
            entry.encode(into: &payload)
            DealLogFrame.append(payload, to: &buffer)
            try flushIfFull()
        }
        DealLogFrame.append(
            Self.header(
                tag: UInt8(ascii: "E"),
                revision: revision,
                organizations: organizations.count,
                deals: deals.count
            ),
            to: &buffer
        )
        try flushIfFull(true)
        try DealFileIO.fullSync(fd, path: temporaryPath)
        DealFileIO.closeFile(fd)
        closed = true
        try DealFileIO.rename(temporaryPath, finalPath)
        try DealFileIO.syncDirectory(directory)
    }

    /// Loads a snapshot into a fresh state; throws ``Invalid`` when it is damaged or incomplete.
    static func load(path: String, historyLimit: Int) throws -> DealStoreState {
        let bytes = try DealFileIO.readFile(path)
        let scan = DealLogFrame.scan(bytes)
        guard scan.end == .clean, scan.frames.count >= 2,
            let head = Self.readHeader(bytes[scan.frames[0]]), head.tag == UInt8(ascii: "H"),
            let tail = Self.readHeader(bytes[scan.frames[scan.frames.count - 1]]), tail.tag == UInt8(ascii: "E"),
            head.revision == tail.revision, head.orgs == tail.orgs, head.deals == tail.deals,
            scan.frames.count == head.orgs + head.deals + 2
        else {
            throw Invalid(description: "\(path): incomplete or damaged snapshot")
        }
        var state = DealStoreState()
        state.historyLimit = max(1, historyLimit)
        state.revision = head.revision
        let body = scan.frames[1..<(scan.frames.count - 1)]
        var dealRanges: [Range<Int>] = []
        dealRanges.reserveCapacity(head.deals)
        for range in body {
            switch bytes[range.lowerBound] {
            case UInt8(ascii: "O"):
                let organization = try Dealstore_V1_Organization(
                    serializedBytes: Array(bytes[(range.lowerBound + 1)..<range.upperBound])
                )
                state.putOrganization(organization)
            case UInt8(ascii: "D"), UInt8(ascii: "I"):
                dealRanges.append(range)
            default:
                throw Invalid(description: "\(path): unknown record tag at offset \(range.lowerBound)")
            }
        }
        // Decoding the deals to build their index entries is the bulk of recovery: use every core.
        let entries = try Self.decodeInParallel(bytes: bytes, ranges: dealRanges)
        state.putDealsInBulk(entries)
        return state
    }

    static func decodeInParallel(bytes: [UInt8], ranges: [Range<Int>]) throws -> [DealIndexEntry] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let chunk = (ranges.count + workers - 1) / max(workers, 1)
        let results = Mutex<[Int: [DealIndexEntry]]>([:])
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = worker * chunk
            let end = min(ranges.count, start + chunk)
            guard start < end else { return }
            var entries: [DealIndexEntry] = []
            entries.reserveCapacity(end - start)
            do {
                try bytes.withUnsafeBytes { buffer in
                    for range in ranges[start..<end] {
                        let body = UnsafeRawBufferPointer(rebasing: buffer[(range.lowerBound + 1)..<range.upperBound])
                        if buffer[range.lowerBound] == UInt8(ascii: "I") {
                            entries.append(try DealIndexEntry.decode(body))
                        } else {
                            let dealBytes = Array(body)
                            // Only the indexed fields, unless the bytes hold something the skeleton reader declines.
                            let deal =
                                try DealIndexSkeletonDecoder.skeleton(dealBytes)
                                ?? Dealstore_V1_Deal(serializedBytes: dealBytes)
                            entries.append(DealIndexEntry(deal: deal, bytes: dealBytes))
                        }
                    }
                }
                results.withLock { $0[worker] = entries }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { parts in (0..<workers).flatMap { parts[$0] ?? [] } }
    }
}

extension DealStore {
    /// Writes a snapshot of the current state and deletes the log segments and snapshots it makes obsolete.
    ///
    /// Runs on a thread of its own; reads and writes continue meanwhile. Also taken automatically every
    /// ``DealStoreOptions/snapshotEvery`` records.
    public func snapshot() async throws {
        try await DealBlocking.run { try self.snapshotNow() }
    }

    /// The blocking body of ``snapshot()``; never call it on the committer thread.
    func snapshotNow() throws {
        let rotated = DispatchSemaphore(value: 0)
        let rotateError = Mutex<DealStoreError?>(nil)
        let captured = try self.state.withLock {
            state throws(DealStoreError) -> (UInt64, [String: Dealstore_V1_Organization], [String: DealIndexEntry]) in
            if state.closed {
                throw DealStoreError(code: .failedPrecondition, message: "the store is closed")
            }
            if state.snapshotInProgress {
                throw DealStoreError(code: .failedPrecondition, message: "a snapshot is already being written")
            }
            if case .readOnly(let reason) = state.health {
                throw DealStoreError(code: .readOnly, message: "no snapshot while read-only: \(reason)")
            }
            state.snapshotInProgress = true
            state.recordsSinceSnapshot = 0
            // Queued under the lock, so the new segment starts exactly after the snapshot's revision.
            self.committer.enqueue(
                .rotate(firstRevision: state.revision + 1) { error in
                    rotateError.withLock { $0 = error }
                    rotated.signal()
                }
            )
            return (state.revision, state.organizations, state.deals)
        }
        defer { self.state.withLock { $0.snapshotInProgress = false } }
        rotated.wait()
        if let error = rotateError.withLock({ $0 }) { throw error }
        let (revision, organizations, deals) = captured
        try DealSnapshotFile.write(
            directory: self.directory,
            revision: revision,
            organizations: organizations,
            deals: deals
        )
        // Only now that the snapshot is durable may what it covers go.
        for name in try DealFileIO.listDirectory(self.directory) {
            if let first = DealRecovery.parse(name, prefix: "wal-", suffix: ".log"), first <= revision {
                DealFileIO.remove(self.directory + "/" + name)
            }
            if let old = DealRecovery.parse(name, prefix: "snapshot-", suffix: ".snap"), old < revision {
                DealFileIO.remove(self.directory + "/" + name)
            }
        }
        try DealFileIO.syncDirectory(self.directory)
        self.logger.info("snapshot written", metadata: ["revision": "\(revision)", "deals": "\(deals.count)"])
    }
}
