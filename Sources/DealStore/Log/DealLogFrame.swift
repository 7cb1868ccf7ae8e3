/// The frame format shared by log segments and snapshots: `length (UInt32 LE) | CRC-32C of payload (UInt32 LE) |
/// payload`.
///
/// The length comes first so a reader can skip a record without decoding it; the CRC covers only the payload, and a
/// zero-length payload is never written, so a run of zero bytes (a hole left by a crash) never reads as a record.
enum DealLogFrame {
    static let headerSize = 8
    /// Log records above this size are rejected as corrupt lengths: the store never writes one (see
    /// ``DealRecordLimit``).
    static let maximumPayload = DealRecordLimit.maximumRecordSize

    static func append(_ payload: [UInt8], to buffer: inout [UInt8]) {
        let length = UInt32(payload.count)
        let crc = payload.withUnsafeBytes { DealCRC32C.checksum($0) }
        Self.appendHeader(length: length, crc: crc, to: &buffer)
        buffer.append(contentsOf: payload)
    }

    static func appendHeader(length: UInt32, crc: UInt32, to buffer: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) {
            buffer.append(UInt8(truncatingIfNeeded: length >> UInt32(shift)))
        }
        for shift in stride(from: 0, to: 32, by: 8) { buffer.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
    }

    /// How a scan of a file ended.
    enum End: Equatable {
        /// Every byte belongs to a valid frame.
        case clean
        /// The bytes from `offset` on are not a valid frame and no valid frame follows: a write torn by a crash.
        case torn(offset: Int, reason: String)
        /// The frame at `offset` is invalid but a valid frame starts at `nextValidOffset`: real corruption.
        case corrupt(offset: Int, reason: String, nextValidOffset: Int)
    }

    struct Scan {
        /// The payload ranges of the valid frames, in order.
        var frames: [Range<Int>] = []
        var end: End = .clean
    }

    /// Reads the frames of `bytes` up to the first invalid one and tells how the file ends.
    static func scan(_ bytes: [UInt8]) -> Scan {
        bytes.withUnsafeBytes { buffer in
            var scan = Scan()
            var offset = 0
            while offset < buffer.count {
                switch Self.frame(at: offset, in: buffer) {
                case .success(let range):
                    scan.frames.append(range)
                    offset = range.upperBound
                case .failure(let problem):
                    // Is there any valid frame after the bad one? Then it is corruption, not a torn tail.
                    var probe = offset + 1
                    while probe + Self.headerSize <= buffer.count {
                        if case .success = Self.frame(at: probe, in: buffer) {
                            scan.end = .corrupt(offset: offset, reason: problem.reason, nextValidOffset: probe)
                            return scan
                        }
                        probe += 1
                    }
                    scan.end = .torn(offset: offset, reason: problem.reason)
                    return scan
                }
            }
            return scan
        }
    }

    struct Problem: Error {
        var reason: String
    }

    static func frame(at offset: Int, in buffer: UnsafeRawBufferPointer) -> Result<Range<Int>, Problem> {
        let remaining = buffer.count - offset
        if remaining < Self.headerSize {
            return .failure(Problem(reason: "\(remaining) trailing bytes, too short for a record header"))
        }
        let length = Int(Self.readUInt32(buffer, offset))
        let crc = Self.readUInt32(buffer, offset + 4)
        if length == 0 || length > Self.maximumPayload {
            return .failure(Problem(reason: "invalid record length \(length)"))
        }
        if length > remaining - Self.headerSize {
            return .failure(
                Problem(reason: "record of \(length) bytes but only \(remaining - Self.headerSize) bytes remain")
            )
        }
        let start = offset + Self.headerSize
        let actual = DealCRC32C.checksum(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)]))
        if actual != crc {
            return .failure(Problem(reason: "CRC-32C mismatch (stored \(crc), computed \(actual))"))
        }
        return .success(start..<(start + length))
    }

    static func readUInt32(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(buffer[offset]) | UInt32(buffer[offset + 1]) << 8 | UInt32(buffer[offset + 2]) << 16
            | UInt32(buffer[offset + 3]) << 24
    }
}
