import DealModel
import Dispatch
import Foundation
import HashTreeCollections
import SwiftProtobuf
import Synchronization

/// The snapshot file format: frames (see ``DealLogFrame``) whose payload starts with a tag byte: `H` header
/// (revision, counts), then every `O` organization, then every `I` deal (protobuf binary plus its index entry, see
/// `DealIndexEntry+Codec.swift`; `D`, protobuf only, the first format, is also read), `E` trailer repeating the
/// header. Damage anywhere is reported with the file and the offset of the frame that holds it.
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

        /// The error for damage at byte `offset` of the file at `path` (the offset of the frame that holds it).
        static func damaged(_ path: String, at offset: Int, _ reason: String) -> Invalid {
            Invalid(description: "\(path): damaged snapshot at offset \(offset): \(reason)")
        }
    }

    /// Writes the snapshot of `organizations` and `deals` at `revision` durably into `directory`.
    static func write(
        directory: String,
        revision: UInt64,
        organizations: [String: Dealstore_V1_Organization],
        deals: TreeDictionary<String, DealIndexEntry>
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
                // Each chunk goes to the disk before the next is written, so at most one chunk of the snapshot is
                // ever dirty. Left to the kernel, a snapshot's tens or hundreds of megabytes were written back
                // while the log's fdatasync waited behind them (ext4 commits a file's data before the journal
                // that a log sync needs): a create tail of many milliseconds during every snapshot.
                try DealFileIO.dataSync(fd, path: temporaryPath)
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
        // In id order: recovery's workers decode contiguous ranges, so each target's and investor's ids arrive
        // already sorted and the ordered indexes are built without sorting (the sort is paid here, off the lock,
        // by the snapshot thread, rather than by a restart).
        for id in deals.keys.sorted() {
            guard let entry = deals[id] else { continue }
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

    /// Loads a snapshot into a fresh state; throws ``Invalid`` (naming the file and the offset of the damage) when
    /// it is damaged or incomplete.
    static func load(path: String, historyLimit: Int) throws -> DealStoreState {
        let file = try DealMappedFile(path: path)
        return try file.withBytes { bytes in try Self.load(bytes, path: path, historyLimit: historyLimit) }
    }

    static func load(_ bytes: UnsafeRawBufferPointer, path: String, historyLimit: Int) throws -> DealStoreState {
        // Frame boundaries only: the lengths chain the frames, and the payloads' CRCs are checked by the decoding
        // workers, in parallel (one sequential pass over 400 MB cost ~0.25 s).
        var frames: [Range<Int>] = []
        var offset = 0
        while offset < bytes.count {
            let remaining = bytes.count - offset
            guard remaining >= DealLogFrame.headerSize else {
                throw Invalid.damaged(path, at: offset, "\(remaining) trailing bytes, too short for a record header")
            }
            let length = Int(DealLogFrame.readUInt32(bytes, offset))
            // No size limit beyond the file's: a deal's frame holds its index entry too, which can be larger than
            // the record itself (DealRecordLimit bounds the record), and a damaged length fails the CRC check.
            guard length > 0 else {
                throw Invalid.damaged(path, at: offset, "invalid record length \(length)")
            }
            guard length <= remaining - DealLogFrame.headerSize else {
                throw Invalid.damaged(
                    path,
                    at: offset,
                    "record of \(length) bytes but only \(remaining - DealLogFrame.headerSize) bytes remain (truncated)"
                )
            }
            frames.append((offset + DealLogFrame.headerSize)..<(offset + DealLogFrame.headerSize + length))
            offset += DealLogFrame.headerSize + length
        }
        guard let first = frames.first, let last = frames.last, frames.count >= 2 else {
            throw Invalid.damaged(path, at: offset, "no header and trailer (an empty or truncated snapshot)")
        }
        for range in [first, last] { try Self.verify(bytes, range, path: path) }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[first])
        let trailerBytes = UnsafeRawBufferPointer(rebasing: bytes[last])
        guard let head = Self.readHeader(ArraySlice(headerBytes)), head.tag == UInt8(ascii: "H") else {
            throw Invalid.damaged(path, at: 0, "the first record is not a snapshot header")
        }
        guard let tail = Self.readHeader(ArraySlice(trailerBytes)), tail.tag == UInt8(ascii: "E"),
            head.revision == tail.revision, head.orgs == tail.orgs, head.deals == tail.deals
        else {
            throw Invalid.damaged(
                path,
                at: last.lowerBound - DealLogFrame.headerSize,
                "the last record is not a trailer matching the header (a truncated snapshot)"
            )
        }
        guard frames.count == head.orgs + head.deals + 2 else {
            throw Invalid.damaged(
                path,
                at: 0,
                "the header announces \(head.orgs) organizations and \(head.deals) deals but the file holds "
                    + "\(frames.count - 2) records"
            )
        }
        var state = DealStoreState()
        state.historyLimit = max(1, historyLimit)
        state.revision = head.revision
        // The writer puts organizations first, then deals; a reader of any order would cost a pass more.
        let organizationFrames = frames[1..<(1 + head.orgs)]
        for range in organizationFrames {
            try Self.verify(bytes, range, path: path)
            guard bytes[range.lowerBound] == UInt8(ascii: "O") else {
                throw Invalid.damaged(
                    path,
                    at: range.lowerBound - DealLogFrame.headerSize,
                    "expected an organization record, found tag \(bytes[range.lowerBound])"
                )
            }
            let organization: Dealstore_V1_Organization
            do {
                let body = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<range.upperBound])
                organization = try Dealstore_V1_Organization(serializedBytes: Array(body))
            } catch {
                throw Invalid.damaged(
                    path,
                    at: range.lowerBound - DealLogFrame.headerSize,
                    "an organization does not decode (\(error))"
                )
            }
            state.putOrganization(organization)
        }
        let dealFrames = frames[(1 + head.orgs)..<(frames.count - 1)]
        let numbering = DealOrganizationNumbering(state.organizations.keys)
        let batches = try Self.decodeInParallel(bytes, frames: dealFrames, numbering: numbering, path: path)
        state.putDealsInBulk(batches, numbering: numbering)
        return state
    }

    /// Throws unless the payload at `range` matches the CRC-32C in its frame header.
    static func verify(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, path: String) throws(Invalid) {
        let stored = DealLogFrame.readUInt32(bytes, range.lowerBound - 4)
        let actual = DealCRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[range]))
        if stored != actual {
            throw Invalid.damaged(
                path,
                at: range.lowerBound - DealLogFrame.headerSize,
                "CRC-32C mismatch (stored \(stored), computed \(actual))"
            )
        }
    }

    /// Checks and decodes the deal records at `frames` on every core, each worker into a batch of its own.
    static func decodeInParallel(
        _ bytes: UnsafeRawBufferPointer,
        frames: ArraySlice<Range<Int>>,
        numbering: DealOrganizationNumbering,
        path: String
    ) throws -> [DealIndexBatch] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let chunk = (frames.count + workers - 1) / workers
        let results = Mutex<[Int: DealIndexBatch]>([:])
        let failure = Mutex<Invalid?>(nil)
        // The mapping's address as an integer: the pointer itself is not `Sendable`, yet every worker only reads
        // it, and `concurrentPerform` returns before the caller's `withBytes` scope (which keeps it valid) ends.
        let address = Int(bitPattern: bytes.baseAddress)
        let count = bytes.count
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = frames.startIndex + worker * chunk
            let end = min(frames.endIndex, start + chunk)
            guard start < end else { return }
            let buffer = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address), count: count)
            var batch = DealIndexBatch(capacity: end - start, numbering: numbering)
            do throws(Invalid) {
                for range in frames[start..<end] {
                    try Self.verify(buffer, range, path: path)
                    let frameOffset = range.lowerBound - DealLogFrame.headerSize
                    let body = UnsafeRawBufferPointer(rebasing: buffer[(range.lowerBound + 1)..<range.upperBound])
                    switch buffer[range.lowerBound] {
                    case UInt8(ascii: "I"):
                        do throws(Invalid) {
                            batch.append(try DealIndexEntry.decode(body))
                        } catch {
                            throw Invalid.damaged(path, at: frameOffset, error.description)
                        }
                    case UInt8(ascii: "D"):
                        // The first snapshot format: protobuf only. Only the indexed fields are read, unless the
                        // bytes hold something the skeleton reader declines.
                        let dealBytes = Array(body)
                        do {
                            let deal =
                                try DealIndexSkeletonDecoder.skeleton(dealBytes)
                                ?? Dealstore_V1_Deal(serializedBytes: dealBytes)
                            batch.append(DealIndexEntry(deal: deal, bytes: dealBytes))
                        } catch {
                            throw Invalid.damaged(path, at: frameOffset, "a deal does not decode (\(error))")
                        }
                    case let tag:
                        throw Invalid.damaged(path, at: frameOffset, "expected a deal record, found tag \(tag)")
                    }
                }
                results.withLock { $0[worker] = batch }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { parts in (0..<workers).compactMap { parts[$0] } }
    }
}
