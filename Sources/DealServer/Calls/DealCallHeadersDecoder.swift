import DealModel
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
            var reader = DealWireReader(bytes: bytes)
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
        var reader = DealWireReader(bytes: bytes)
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
}
