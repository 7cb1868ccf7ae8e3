import DealProtocol
import Foundation
import NIOCore

/// Decodes `CallHeaders`, the first frame of every call, without SwiftProtobuf's generic decoder.
///
/// Every call pays for this decode, and the generic path (a visitor over field descriptors) cost more than a
/// GetDeal's store lookup. Headers as clients send them (method, timeout, metadata entries of key and value, in
/// any order and repeated as protobuf allows) are parsed directly; anything else (unknown fields, other wire
/// types, invalid UTF-8, truncation) returns `nil` and the caller falls back to SwiftProtobuf, so errors and
/// unknown-field handling stay exactly protobuf's.
enum DealCallHeadersDecoder {
    static func decode(_ payload: ByteBuffer) -> Dealstore_V1_CallHeaders? {
        payload.withUnsafeReadableBytes { bytes -> Dealstore_V1_CallHeaders? in
            var reader = Reader(bytes: bytes)
            var headers = Dealstore_V1_CallHeaders()
            while !reader.isAtEnd {
                guard let tag = reader.varint() else { return nil }
                switch tag {
                case 0x0A:  // 1: method, length-delimited
                    guard let field = reader.lengthDelimited(), let method = Self.string(field) else { return nil }
                    headers.method = method
                case 0x10:  // 2: timeout_micros, varint
                    guard let value = reader.varint() else { return nil }
                    headers.timeoutMicros = value
                case 0x1A:  // 3: metadata, one MetadataEntry
                    guard let field = reader.lengthDelimited(), let entry = Self.entry(field) else { return nil }
                    headers.metadata.append(entry)
                default:
                    return nil
                }
            }
            return headers
        }
    }

    private static func entry(_ bytes: UnsafeRawBufferPointer) -> Dealstore_V1_MetadataEntry? {
        var reader = Reader(bytes: bytes)
        var entry = Dealstore_V1_MetadataEntry()
        while !reader.isAtEnd {
            guard let tag = reader.varint() else { return nil }
            switch tag {
            case 0x0A:  // 1: key
                guard let field = reader.lengthDelimited(), let key = Self.string(field) else { return nil }
                entry.key = key
            case 0x12:  // 2: value, bytes
                guard let field = reader.lengthDelimited() else { return nil }
                entry.value = Data(field)
            default:
                return nil
            }
        }
        return entry
    }

    private static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
    }

    /// A cursor over protobuf wire bytes; every read is bounds-checked and returns `nil` when the input ends early.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var isAtEnd: Bool { self.index >= self.bytes.count }

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while self.index < self.bytes.count, shift < 64 {
                let byte = self.bytes[self.index]
                self.index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }

        mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
            guard let length = self.varint(), length <= UInt64(self.bytes.count - self.index) else { return nil }
            let start = self.index
            self.index += Int(length)
            return UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
        }
    }
}
