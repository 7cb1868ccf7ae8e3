import DealModel

extension DealResponseEncoding {
    /// `meta.update_revision` of a serialized `Deal` (field 31, `RecordMeta.update_revision` = 2), read without
    /// decoding the deal: the revision of the write that stored it, for the answer's `revision` trailer.
    /// `nil` when the bytes hold no meta or are not what the store writes.
    static func updateRevision(ofDeal bytes: [UInt8]) -> UInt64? {
        bytes.withUnsafeBytes { raw -> UInt64? in
            var reader = DealWireReader(bytes: raw)
            var found: UInt64?
            while !reader.isAtEnd {
                guard let (field, wire) = reader.tag() else { return nil }
                if field == 31 && wire == 2 {
                    guard let meta = reader.lengthDelimited() else { return nil }
                    var inner = DealWireReader(bytes: meta)
                    while !inner.isAtEnd {
                        guard let (metaField, metaWire) = inner.tag() else { return nil }
                        if metaField == 2 && metaWire == 0 {
                            found = inner.varint()
                        } else if !Self.skip(wire: metaWire, in: &inner) {
                            return nil
                        }
                    }
                } else if !Self.skip(wire: wire, in: &reader) {
                    return nil
                }
            }
            return found
        }
    }

    /// Moves past one field's value of wire type `wire`; `false` when it is malformed or of a group type.
    private static func skip(wire: Int, in reader: inout DealWireReader) -> Bool {
        switch wire {
        case 0: reader.varint() != nil
        case 1: reader.skip(8)
        case 2: reader.lengthDelimited() != nil
        case 5: reader.skip(4)
        default: false
        }
    }
}
