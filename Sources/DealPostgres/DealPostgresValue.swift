/// A statement parameter, sent in PostgreSQL's binary format (bytes go as `bytea` without any escaping).
public enum DealPostgresValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// `bigint`.
    case int64(Int64)
    /// `text` (UTF-8).
    case text(String)
    /// `bytea`.
    case bytes([UInt8])
    /// `text[]`, one dimension; `nil` elements are NULL.
    case textArray([String?])
    /// `bytea[]`, one dimension; `nil` elements are NULL.
    case bytesArray([[UInt8]?])

    /// The type's OID (pg_type), which PostgreSQL needs for a binary parameter.
    var oid: UInt32 {
        switch self {
        case .null: 0
        case .int64: 20
        case .text: 25
        case .bytes: 17
        case .textArray: 1009
        case .bytesArray: 1001
        }
    }

    /// The binary encoding, or nil for NULL.
    var binary: [UInt8]? {
        switch self {
        case .null: return nil
        case .int64(let value): return Self.bigEndian(UInt64(bitPattern: value))
        case .text(let value): return Array(value.utf8)
        case .bytes(let value): return value
        case .textArray(let values): return Self.array(values.map { $0.map { Array($0.utf8) } }, elementOID: 25)
        case .bytesArray(let values): return Self.array(values, elementOID: 17)
        }
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    static func bigEndian32(_ value: Int32) -> [UInt8] {
        let bits = UInt32(bitPattern: value)
        return (0..<4).map { UInt8(truncatingIfNeeded: bits >> (24 - 8 * $0)) }
    }

    /// PostgreSQL's binary array format (array_send): dimensions, a has-null flag, the element type, then each
    /// element as a length (-1 for NULL) and its bytes.
    static func array(_ elements: [[UInt8]?], elementOID: UInt32) -> [UInt8] {
        var out: [UInt8] = []
        let hasNull = elements.contains { $0 == nil }
        out += Self.bigEndian32(elements.isEmpty ? 0 : 1)
        out += Self.bigEndian32(hasNull ? 1 : 0)
        out += Self.bigEndian32(Int32(bitPattern: elementOID))
        if elements.isEmpty { return out }
        out += Self.bigEndian32(Int32(clamping: elements.count))
        out += Self.bigEndian32(1)
        for element in elements {
            if let element {
                out += Self.bigEndian32(Int32(clamping: element.count))
                out += element
            } else {
                out += Self.bigEndian32(-1)
            }
        }
        return out
    }
}
