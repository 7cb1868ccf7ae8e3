import Foundation
import SwiftProtobuf

/// Counts the fields a protobuf encoding would decode into, before decoding it, from the schema of every
/// DealStore message.
///
/// Decoding is where a small input can become a large one: an empty sub-message is two bytes on the wire and a
/// heap object of a hundred or more bytes once decoded, so four megabytes of `participations` entries with
/// nothing in them decode to some 300 MB. A server that decodes what anyone sends needs to know the cost first.
/// The census walks the wire bytes once, following only the fields the schema declares as messages (the
/// descriptor set `Protocol/generate.sh` embeds from the `.proto` files), and counts every field occurrence at
/// every depth; it allocates nothing per field. Unknown fields are skipped as the decoder would keep them: as
/// raw bytes, with no amplification.
public struct DealMessageCensus: Sendable {
    /// Every message type by full name (`dealstore.v1.Deal`), as an index into ``messageFields``.
    private let typeIndex: [String: Int]
    /// For each message type, the field numbers whose values are messages, with the index of each value's type.
    private let messageFields: [[Int: Int]]
    /// Each method's request type index, by method path (`/dealstore.v1.Deals/CreateDeal`).
    private let requestTypes: [String: Int]
    private let requestTypeNames: [String: String]

    /// The census of the messages in `Protocol/dealstore/v1/*.proto`.
    public static let dealStore = DealMessageCensus(descriptorSetBase64: DealDescriptorSetData.base64)

    /// A census from a serialized `google.protobuf.FileDescriptorSet` in base64; an unreadable set gives a
    /// census that knows no message.
    init(descriptorSetBase64: String) {
        var named: [String: [Int: String]] = [:]
        var methods: [String: String] = [:]
        if let data = Data(base64Encoded: descriptorSetBase64),
            let set = try? Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        {
            for file in set.file {
                let prefix = file.package.isEmpty ? "" : file.package + "."
                for message in file.messageType {
                    Self.collect(message, prefix: prefix, into: &named)
                }
                for service in file.service {
                    for method in service.method {
                        methods["/\(prefix)\(service.name)/\(method.name)"] = Self.unqualified(method.inputType)
                    }
                }
            }
        }
        let names = named.keys.sorted()
        let typeIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        self.typeIndex = typeIndex
        self.messageFields = names.map { name in
            (named[name] ?? [:]).compactMapValues { typeIndex[$0] }
        }
        self.requestTypes = methods.compactMapValues { typeIndex[$0] }
        self.requestTypeNames = methods
    }

    private static func collect(
        _ message: Google_Protobuf_DescriptorProto,
        prefix: String,
        into table: inout [String: [Int: String]]
    ) {
        let name = prefix + message.name
        var fields: [Int: String] = [:]
        for field in message.field where field.type == .message {
            fields[Int(field.number)] = Self.unqualified(field.typeName)
        }
        table[name] = fields
        for nested in message.nestedType {
            Self.collect(nested, prefix: name + ".", into: &table)
        }
    }

    /// Type names in a descriptor set are fully qualified with a leading dot.
    private static func unqualified(_ typeName: String) -> String {
        String(typeName.drop(while: { $0 == "." }))
    }

    /// True when the census knows the message named `fullName`.
    public func knows(_ fullName: String) -> Bool {
        self.typeIndex[fullName] != nil
    }

    /// The full name of the request message of the method at `path`, if the schema declares the method.
    public func requestType(ofMethod path: String) -> String? {
        self.requestTypeNames[path]
    }

    /// Whether decoding `bytes` as the request of the method at `path` creates more than `limit` field
    /// occurrences (counting those inside sub-messages). `false` for a method the schema does not declare.
    ///
    /// A message of at most `2 * limit` bytes cannot pass the limit (each field takes two bytes or more), so
    /// small requests, nearly all of them, cost one comparison.
    public func exceeds(_ limit: Int, requestOfMethod path: String, bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count / 2 > limit, let type = self.requestTypes[path] else { return false }
        var count = 0
        self.walk(type, bytes, depth: 0, count: &count, limit: limit)
        return count > limit
    }

    /// The number of field occurrences that decoding `bytes` as the message `fullName` would create, counting
    /// those inside sub-messages; it stops counting once past `limit`.
    ///
    /// Malformed input is counted as far as it can be read: the decoder itself rejects it afterwards, with
    /// protobuf's own error. Nesting deeper than SwiftProtobuf's default decoding depth (100) stops the walk
    /// there, as the decoder stops too.
    public func fieldCount(ofMessage fullName: String, in bytes: UnsafeRawBufferPointer, limit: Int) -> Int {
        var count = 0
        if let type = self.typeIndex[fullName] {
            self.walk(type, bytes, depth: 0, count: &count, limit: limit)
        }
        return count
    }

    private func walk(_ type: Int, _ bytes: UnsafeRawBufferPointer, depth: Int, count: inout Int, limit: Int) {
        guard depth < 100 else { return }
        let fields = self.messageFields[type]
        var reader = DealWireReader(bytes: bytes)
        while !reader.isAtEnd {
            guard let (number, wire) = reader.tag() else { return }
            count += 1
            if count > limit { return }
            switch wire {
            case 0:
                guard reader.varint() != nil else { return }
            case 1:
                guard reader.skip(8) else { return }
            case 5:
                guard reader.skip(4) else { return }
            case 2:
                guard let field = reader.lengthDelimited() else { return }
                if let nested = fields[number] {
                    self.walk(nested, field, depth: depth + 1, count: &count, limit: limit)
                    if count > limit { return }
                }
            case 3, 4:
                // Groups are not in the schema: the decoder keeps them as unknown bytes.
                continue
            default:
                return
            }
        }
    }
}
