/// The record of the last history compaction: the file `compacted` in the store directory holds one frame (see
/// ``DealLogFrame``) whose payload is `C` and the compacted revision (UInt64 LE).
///
/// Changes at or below that revision are no longer served by the change feed, even where a log segment that still
/// holds some of them remains (segments go whole). Written before any segment is removed, to a temporary file that
/// is synced and renamed, so after a crash the record is either the old one or the new one, and a segment it
/// covers that was not yet removed is removed by the next compaction.
enum DealCompactionRecord {
    static let fileName = "compacted"

    /// The recorded compacted revision, 0 when the directory has no record.
    static func read(directory: String) throws -> UInt64 {
        let path = directory + "/" + Self.fileName
        guard DealFileIO.fileSize(path) != nil else { return 0 }
        let bytes = try DealFileIO.readFile(path)
        let scan = DealLogFrame.scan(bytes)
        guard scan.end == .clean, scan.frames.count == 1, let frame = scan.frames.first, frame.count == 9,
            bytes[frame.lowerBound] == UInt8(ascii: "C")
        else {
            throw DealStoreError(
                code: .dataLoss,
                message: "\(path) is damaged (\(bytes.count) bytes, not one compaction record): it says which "
                    + "revisions the change history no longer holds; restore it from a backup, or delete it (the "
                    + "change feed then starts at the first revision of the oldest log segment, which is safe: "
                    + "segments are only ever removed whole)"
            )
        }
        var revision: UInt64 = 0
        for byte in 0..<8 { revision |= UInt64(bytes[frame.lowerBound + 1 + byte]) << UInt64(byte * 8) }
        return revision
    }

    /// Durably replaces the record with `revision`.
    static func write(directory: String, revision: UInt64) throws(DealIOError) {
        let path = directory + "/" + Self.fileName
        let temporary = path + ".tmp"
        var payload: [UInt8] = [UInt8(ascii: "C")]
        for shift in stride(from: 0, to: 64, by: 8) {
            payload.append(UInt8(truncatingIfNeeded: revision >> UInt64(shift)))
        }
        var bytes: [UInt8] = []
        DealLogFrame.append(payload, to: &bytes)
        let fd = try DealFileIO.createTruncating(temporary)
        do throws(DealIOError) {
            try DealFileIO.writeAll(fd, bytes, path: temporary)
            try DealFileIO.fullSync(fd, path: temporary)
        } catch {
            DealFileIO.closeFile(fd)
            throw error
        }
        DealFileIO.closeFile(fd)
        try DealFileIO.rename(temporary, path)
        try DealFileIO.syncDirectory(directory)
    }
}
