import DealModel
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads change events back from the log segments: the part of the change feed older than what the store keeps in
/// memory (``DealStoreOptions/changeHistoryLimit``) but not compacted, for watchers replaying from an old revision,
/// after a restart too.
///
/// A read starts from a ``Cursor`` (where the previous read of the same subscriber stopped) or, without one, finds
/// the segment holding the wanted revision by its name. It reads a chunk of the file at an offset (`pread`), never
/// the whole segment, so a replay of a million events costs one pass over their bytes.
enum DealLogHistoryReader {
    /// Where the next record after `revision` starts: in the segment `path`, at byte `offset`.
    struct Cursor: Sendable, Equatable {
        var path: String
        var offset: Int
        var revision: UInt64
    }

    struct Batch: Sendable {
        var events: [Dealstore_V1_ChangeEvent]
        /// Where to continue (after the last event returned).
        var cursor: Cursor?
    }

    /// Bytes read per look; grown for a larger record.
    static let chunkSize = 128 << 10

    /// Up to `limit` events with revisions above `after` and at most `upTo`, in order and contiguous from
    /// `after + 1`; fewer (possibly none) when the segments hold no more. Starts at `cursor` when it continues from
    /// `after`.
    static func read(
        directory: String,
        after: UInt64,
        upTo last: UInt64,
        limit: Int,
        cursor: Cursor?
    ) throws(DealStoreError) -> Batch {
        var position: Cursor
        if let cursor, cursor.revision == after, DealFileIO.fileSize(cursor.path) != nil {
            position = cursor
        } else if let found = try Self.segment(holding: after + 1, directory: directory) {
            position = Cursor(path: found, offset: 0, revision: after)
        } else {
            return Batch(events: [], cursor: nil)
        }
        var events: [Dealstore_V1_ChangeEvent] = []
        while events.count < limit && position.revision < last {
            let (read, next) = try Self.readChunk(position, upTo: last, limit: limit - events.count)
            events += read
            if let next {
                position = next
                continue
            }
            // The segment's end: continue in the one that starts right after (if it exists yet).
            let nextPath = directory + "/" + DealCommitter.segmentName(firstRevision: position.revision + 1)
            guard DealFileIO.fileSize(nextPath) != nil else { break }
            position = Cursor(path: nextPath, offset: 0, revision: position.revision)
        }
        return Batch(events: events, cursor: position)
    }

    /// The segment whose records include `revision`: the one with the greatest first revision at or below it.
    static func segment(holding revision: UInt64, directory: String) throws(DealStoreError) -> String? {
        let names: [String]
        do throws(DealIOError) {
            names = try DealFileIO.listDirectory(directory)
        } catch {
            throw DealStoreError(code: .internal, message: "cannot list the log segments in \(directory)", cause: error)
        }
        let best = names.compactMap { name in
            DealRecovery.parse(name, prefix: "wal-", suffix: ".log").map { (first: $0, name: name) }
        }.filter { $0.first <= revision }.max { $0.first < $1.first }
        return best.map { directory + "/" + $0.name }
    }

    /// Reads the records after `position.revision` from one chunk at `position.offset`; `next` is nil at the end of
    /// the segment's complete records.
    private static func readChunk(
        _ position: Cursor,
        upTo last: UInt64,
        limit: Int
    ) throws(DealStoreError) -> (events: [Dealstore_V1_ChangeEvent], next: Cursor?) {
        var size = Self.chunkSize
        while true {
            let bytes = try Self.readAt(position.path, offset: position.offset, count: size)
            var events: [Dealstore_V1_ChangeEvent] = []
            var offset = 0
            var revision = position.revision
            var incomplete = false
            var failure: DealStoreError?
            bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                do throws(DealStoreError) {
                    try Self.decode(
                        buffer,
                        position,
                        upTo: last,
                        limit: limit,
                        into: &events,
                        offset: &offset,
                        revision: &revision,
                        incomplete: &incomplete
                    )
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            if !events.isEmpty || offset > 0 {
                return (events, Cursor(path: position.path, offset: position.offset + offset, revision: revision))
            }
            if incomplete && bytes.count == size {
                // One record larger than the chunk: read it whole.
                guard size < DealLogFrame.maximumPayload + DealLogFrame.headerSize else {
                    throw DealStoreError(
                        code: .dataLoss,
                        message: "\(position.path) offset \(position.offset): not a valid log record; restore from "
                            + "a backup, or run `dealsd check` to see the damage"
                    )
                }
                size *= 4
                continue
            }
            return ([], nil)
        }
    }

    /// Decodes the complete records of `buffer` after `revision` (see ``readChunk(_:upTo:limit:)``).
    // swift-format-ignore: FunctionParameterCount
    private static func decode(
        _ buffer: UnsafeRawBufferPointer,
        _ position: Cursor,
        upTo last: UInt64,
        limit: Int,
        into events: inout [Dealstore_V1_ChangeEvent],
        offset: inout Int,
        revision: inout UInt64,
        incomplete: inout Bool
    ) throws(DealStoreError) {
        while offset < buffer.count && events.count < limit && revision < last {
            switch DealLogFrame.frame(at: offset, in: buffer) {
            case .success(let range):
                let event: Dealstore_V1_ChangeEvent
                do {
                    event = try Dealstore_V1_ChangeEvent(
                        serializedBytes: Array(UnsafeRawBufferPointer(rebasing: buffer[range]))
                    )
                } catch {
                    throw DealStoreError(
                        code: .dataLoss,
                        message: "\(position.path) offset \(position.offset + offset): a record with a "
                            + "valid checksum does not decode; restore from a backup",
                        cause: error
                    )
                }
                offset = range.upperBound
                if event.revision <= revision { continue }
                if event.revision != revision + 1 {
                    throw DealStoreError(
                        code: .dataLoss,
                        message:
                            "\(position.path) offset \(range.lowerBound - DealLogFrame.headerSize + position.offset): "
                            + "revision \(event.revision) follows \(revision) in the change history "
                            + "(records are missing); watch from a later revision or restore from a backup"
                    )
                }
                revision = event.revision
                events.append(event)
            case .failure:
                // A record cut by the chunk's end, or the segment's unwritten tail: read on from here.
                incomplete = true
                return
            }
        }

    }

    private static func readAt(_ path: String, offset: Int, count: Int) throws(DealStoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw DealStoreError(
                code: .internal,
                message: "cannot read the change history",
                cause: DealIOError(operation: "open", path: path, errno: errno)
            )
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while filled < count {
                let got = pread(fd, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if got == 0 { break }
                filled += got
            }
        }
        if failure != 0 {
            throw DealStoreError(
                code: .internal,
                message: "cannot read the change history",
                cause: DealIOError(operation: "pread", path: path, errno: failure)
            )
        }
        bytes.removeLast(count - filled)
        return bytes
    }
}
