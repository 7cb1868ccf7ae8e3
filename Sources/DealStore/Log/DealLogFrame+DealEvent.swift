import DealModel

extension DealLogFrame {
    /// Appends the framed log record of a deal change: a serialized `Dealstore_V1_ChangeEvent` built around the
    /// deal's bytes, byte for byte what `event.serializedBytes()` yields for the same event.
    ///
    /// Why by hand: the deal is serialized once per write and those bytes are the store's record, the response
    /// and (here) the log's; encoding the event message would serialize the deal again. The layout is protobuf's
    /// in field order: `revision = 1`, `kind = 2`, `record = 3 { deal = 2 }`, `time_micros = 4`, zero values
    /// omitted as proto3 does.
    static func appendDealEvent(
        revision: UInt64,
        kind: Dealstore_V1_ChangeKind,
        dealBytes: [UInt8],
        timeMicros: Int64,
        to buffer: inout [UInt8]
    ) {
        let recordLength = 1 + DealVarint.size(of: UInt64(dealBytes.count)) + dealBytes.count
        let start = buffer.count
        buffer.reserveCapacity(start + Self.headerSize + recordLength + 40)
        // Header placeholder: the length and CRC are patched in once the payload is written.
        buffer.append(contentsOf: repeatElement(0, count: Self.headerSize))
        if revision != 0 {
            buffer.append(0x08)
            DealVarint.append(revision, to: &buffer)
        }
        if kind.rawValue != 0 {
            buffer.append(0x10)
            DealVarint.append(UInt64(bitPattern: Int64(kind.rawValue)), to: &buffer)
        }
        buffer.append(0x1A)
        DealVarint.append(UInt64(recordLength), to: &buffer)
        buffer.append(0x12)
        DealVarint.append(UInt64(dealBytes.count), to: &buffer)
        buffer.append(contentsOf: dealBytes)
        if timeMicros != 0 {
            buffer.append(0x20)
            DealVarint.append(UInt64(bitPattern: timeMicros), to: &buffer)
        }
        let payloadStart = start + Self.headerSize
        let length = UInt32(buffer.count - payloadStart)
        let crc = buffer.withUnsafeBytes { DealCRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[payloadStart...])) }
        buffer.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: length.littleEndian, toByteOffset: start, as: UInt32.self)
            bytes.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
    }
}
