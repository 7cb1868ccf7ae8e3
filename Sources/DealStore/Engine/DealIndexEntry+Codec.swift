import DealModel

/// The snapshot encoding of an index entry, stored beside the deal's protobuf bytes so that recovery rebuilds the
/// indexes without decoding a million protobuf messages (which costs about ten times more).
///
/// Layout: varint-length-prefixed deal bytes, then the entry's fields in declaration order; strings are
/// varint-length-prefixed UTF-8, arrays a varint count then elements, Int128 two little-endian UInt64 halves.
extension DealIndexEntry {
    func encode(into buffer: inout [UInt8]) {
        var writer = Writer(buffer: buffer)
        buffer = []
        writer.varint(UInt64(self.bytes.count))
        writer.buffer.append(contentsOf: self.bytes)
        writer.string(self.id)
        writer.string(self.targetID)
        writer.strings(self.investorIDs)
        writer.varint(self.leadMask)
        writer.strings(self.extraLeadIDs)
        writer.strings(self.extraReferences)
        writer.varint(UInt64(self.type))
        writer.varint(UInt64(self.status))
        for value in [self.announcedStart, self.announcedEnd, self.announcedYear, self.announcedQuarter] {
            writer.varint(UInt64(UInt32(bitPattern: value)))
        }
        writer.string(self.amountCurrency)
        writer.int128(self.amountNanos)
        writer.varint(self.hasAmount ? 1 : 0)
        writer.varint(self.updateRevision)
        writer.varint(UInt64(self.claimCount))
        writer.varint(UInt64(self.contributions.count))
        for contribution in self.contributions {
            writer.string(contribution.investorID)
            writer.string(contribution.currency)
            writer.int128(contribution.committed)
            writer.int128(contribution.funded)
        }
        buffer = writer.buffer
    }

    static func decode(_ payload: UnsafeRawBufferPointer) throws(DealSnapshotFile.Invalid) -> DealIndexEntry {
        var reader = Reader(buffer: payload)
        let length = try reader.int()
        let bytes = Array(try reader.take(length))
        let id = try reader.string()
        let targetID = try reader.string()
        let investorIDs = try reader.strings()
        let leadMask = try reader.varint()
        let extraLeadIDs = try reader.strings()
        let extraReferences = try reader.strings()
        let type = try reader.int()
        let status = try reader.int()
        // Four plain values rather than a loop into an array: an array would be one more allocation per deal.
        let announcedStart = try reader.int32()
        let announcedEnd = try reader.int32()
        let announcedYear = try reader.int32()
        let announcedQuarter = try reader.int32()
        let currency = try reader.string()
        let nanos = try reader.int128()
        let present = try reader.varint() == 1
        let updateRevision = try reader.varint()
        let claimCount = try reader.int()
        let count = try reader.count()
        var contributions: [DealContribution] = []
        if count > 0 { contributions.reserveCapacity(count) }
        for _ in 0..<count {
            contributions.append(
                DealContribution(
                    investorID: try reader.string(),
                    currency: try reader.string(),
                    committed: try reader.int128(),
                    funded: try reader.int128()
                )
            )
        }
        if reader.offset != payload.count { throw DealSnapshotFile.Invalid(description: "trailing bytes in a deal") }
        return DealIndexEntry(
            bytes: bytes,
            id: id,
            targetID: targetID,
            investorIDs: investorIDs,
            leadMask: leadMask,
            extraLeadIDs: extraLeadIDs,
            extraReferences: extraReferences,
            type: type,
            status: status,
            announced: (announcedStart, announcedEnd, announcedYear, announcedQuarter),
            amount: (currency, nanos, present),
            updateRevision: updateRevision,
            claimCount: claimCount,
            contributions: contributions
        )
    }

    private struct Writer {
        var buffer: [UInt8]

        mutating func varint(_ value: UInt64) {
            DealVarint.append(value, to: &self.buffer)
        }

        mutating func string(_ value: String) {
            let utf8 = value.utf8
            self.varint(UInt64(utf8.count))
            self.buffer.append(contentsOf: utf8)
        }

        mutating func strings(_ values: [String]) {
            self.varint(UInt64(values.count))
            for value in values { self.string(value) }
        }

        mutating func int128(_ value: Int128) {
            let bits = UInt128(bitPattern: value)
            for half in [UInt64(truncatingIfNeeded: bits), UInt64(truncatingIfNeeded: bits >> 64)] {
                for shift in stride(from: 0, to: 64, by: 8) {
                    self.buffer.append(UInt8(truncatingIfNeeded: half >> UInt64(shift)))
                }
            }
        }
    }

    private struct Reader {
        let buffer: UnsafeRawBufferPointer
        var offset = 0

        mutating func take(_ count: Int) throws(DealSnapshotFile.Invalid) -> UnsafeRawBufferPointer {
            guard count >= 0, count <= self.buffer.count - self.offset else {
                throw DealSnapshotFile.Invalid(description: "truncated deal entry")
            }
            defer { self.offset += count }
            return UnsafeRawBufferPointer(rebasing: self.buffer[self.offset..<(self.offset + count)])
        }

        mutating func varint() throws(DealSnapshotFile.Invalid) -> UInt64 {
            guard let value = DealVarint.read(from: self.buffer, at: &self.offset) else {
                throw DealSnapshotFile.Invalid(description: "bad varint in a deal entry")
            }
            return value
        }

        /// A varint as an Int; a value past Int.max is a damaged entry, not a trap.
        mutating func int() throws(DealSnapshotFile.Invalid) -> Int {
            guard let value = Int(exactly: try self.varint()) else {
                throw DealSnapshotFile.Invalid(description: "out-of-range number in a deal entry")
            }
            return value
        }

        /// An element count: every element takes at least one byte, so a count above the bytes left is damage
        /// (and must not reserve memory for it).
        mutating func count() throws(DealSnapshotFile.Invalid) -> Int {
            let count = try self.int()
            guard count <= self.buffer.count - self.offset else {
                throw DealSnapshotFile.Invalid(description: "truncated list in a deal entry")
            }
            return count
        }

        mutating func int32() throws(DealSnapshotFile.Invalid) -> Int32 {
            Int32(bitPattern: UInt32(truncatingIfNeeded: try self.varint()))
        }

        mutating func string() throws(DealSnapshotFile.Invalid) -> String {
            let count = try self.int()
            return String(decoding: try self.take(count), as: UTF8.self)
        }

        mutating func strings() throws(DealSnapshotFile.Invalid) -> [String] {
            let count = try self.count()
            // Most lists (extra leads, extra references) are empty: reserving capacity would allocate for them.
            guard count > 0 else { return [] }
            var values: [String] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try self.string()) }
            return values
        }

        mutating func int128() throws(DealSnapshotFile.Invalid) -> Int128 {
            guard 16 <= self.buffer.count - self.offset else {
                throw DealSnapshotFile.Invalid(description: "truncated amount in a deal entry")
            }
            var low: UInt64 = 0
            var high: UInt64 = 0
            for byte in 0..<8 {
                low |= UInt64(self.buffer[self.offset + byte]) << UInt64(byte * 8)
                high |= UInt64(self.buffer[self.offset + 8 + byte]) << UInt64(byte * 8)
            }
            self.offset += 16
            return Int128(bitPattern: UInt128(high) << 64 | UInt128(low))
        }
    }
}
