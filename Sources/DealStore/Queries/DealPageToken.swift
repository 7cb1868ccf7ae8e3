import Foundation

/// Opaque page tokens: base64url of `scope|fingerprint|revision|sort key values|last id`.
///
/// A token carries the last returned item's sort key and id, not an offset, so the next page starts strictly
/// after that item in sort order: records created or deleted meanwhile shift nothing, and no item is returned
/// twice or skipped unless its own sort key changed. It also carries the revision its page was read at, so the
/// next page is read from the same version while that version is pinned (``DealPinnedVersions``). The fingerprint
/// (of the filter and ordering) rejects a token reused with another query. Tokens of the first format (`d|…`,
/// without revision) are still accepted and read the latest version.
enum DealPageToken {
    struct Position: Equatable {
        var keys: [Int128]
        var id: String
        /// The revision the page ending here was read at (0: none, read the latest).
        var revision: UInt64 = 0
    }

    static func encode(_ position: Position, fingerprint: UInt32) -> String {
        let text =
            "p|\(fingerprint)|\(position.revision)|" + position.keys.map { String($0) }.joined(separator: ",") + "|"
            + position.id
        return Self.base64url(Array(text.utf8))
    }

    static func decode(_ token: String, fingerprint: UInt32) throws(DealStoreError) -> Position? {
        if token.isEmpty { return nil }
        guard let text = Self.unbase64url(token) else { throw Self.malformed }
        var parts = text.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false)
        var revision: UInt64 = 0
        if parts.count == 5, parts[0] == "p", let pinned = UInt64(parts[2]) {
            revision = pinned
            parts.remove(at: 2)
        } else {
            parts = text.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "d" else { throw Self.malformed }
        }
        guard UInt32(parts[1]) == fingerprint else {
            throw .invalid(
                "page_token",
                "was issued for another filter or order_by: keep the request's other fields unchanged"
            )
        }
        var keys: [Int128] = []
        if !parts[2].isEmpty {
            for value in parts[2].split(separator: ",") {
                guard let key = Int128(value) else { throw Self.malformed }
                keys.append(key)
            }
        }
        return Position(keys: keys, id: String(parts[3]), revision: revision)
    }

    static func encodeSimple(_ lastID: String, scope: String) -> String {
        Self.base64url(Array("\(scope)|\(lastID)".utf8))
    }

    static func decodeSimple(_ token: String, scope: String) throws(DealStoreError) -> String? {
        if token.isEmpty { return nil }
        guard let text = Self.unbase64url(token), text.hasPrefix(scope + "|") else { throw Self.malformed }
        return String(text.dropFirst(scope.count + 1))
    }

    static let malformed = DealStoreError.invalid(
        "page_token",
        "is malformed: pass the next_page_token of the previous response unchanged"
    )

    /// The base64url alphabet (RFC 4648 §5).
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8
    )

    /// base64url without padding, written directly: the first version went through Foundation (`Data`'s base64,
    /// then three `replacingOccurrences` on an NSString), which `perf record` of ListDeals at 8:8 put at 17 % of
    /// the event loops' cycles, more than the page's 21 deal lookups.
    static func base64url(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] as [UInt32] { out.append(Self.alphabet[Int((group >> shift) & 63)]) }
            index += 3
        }
        let left = bytes.count - index
        if left > 0 {
            let group = UInt32(bytes[index]) << 16 | (left == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            out.append(Self.alphabet[Int((group >> 18) & 63)])
            out.append(Self.alphabet[Int((group >> 12) & 63)])
            if left == 2 { out.append(Self.alphabet[Int((group >> 6) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of one base64 character: base64url's, and also standard base64's `+` and `/` (tokens were always
    /// decoded leniently that way); nil for anything else.
    private static func sextet(_ character: UInt8) -> UInt32? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(character - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(character - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(character - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "-"), UInt8(ascii: "+"): 62
        case UInt8(ascii: "_"), UInt8(ascii: "/"): 63
        default: nil
        }
    }

    /// Decodes base64url (padding optional) into UTF-8 text; nil when the token is not base64 or not UTF-8.
    static func unbase64url(_ token: String) -> String? {
        var characters = Array(token.utf8)
        // Padding, when present, only at the end and only as much as the last group needs.
        var padding = 0
        while characters.last == UInt8(ascii: "=") && padding < 2 {
            characters.removeLast()
            padding += 1
        }
        if padding > 0 && (characters.count + padding) % 4 != 0 { return nil }
        if characters.count % 4 == 1 { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count * 3 / 4)
        var group: UInt32 = 0
        var bits = 0
        for character in characters {
            guard let value = Self.sextet(character) else { return nil }
            group = group << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: group >> UInt32(bits)))
                group &= (1 << UInt32(bits)) - 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// A parsed `order_by`: fields with directions, `id` last as the tie-breaker.
struct DealOrdering: Sendable {
    enum Field: String, Sendable {
        case amount
        case announced
        case updateRevision = "update_revision"
    }

    var fields: [(field: Field, descending: Bool)] = []
    var idDescending = false
    var canonical: String

    /// Parses e.g. `"amount desc, id"`; empty means `id`.
    init(_ text: String) throws(DealStoreError) {
        // Each field may come once, so a valid order_by is short; a long one would be parsed (and kept as one
        // sort key per field for every deal compared) before anything refused it.
        guard text.utf8.count <= 256 else {
            throw .invalid(
                "order_by",
                "is \(text.utf8.count) bytes; name each of amount, announced, update_revision, id at most once"
            )
        }
        var canonical: [String] = []
        var sawID = false
        for (index, part) in text.split(separator: ",").enumerated() {
            let words = part.split(separator: " ").map { $0.lowercased() }
            guard let name = words.first, words.count <= 2 else {
                throw .invalid("order_by", "'\(part)' is not `field [asc|desc]`")
            }
            let descending: Bool
            switch words.count == 2 ? words[1] : "asc" {
            case "asc": descending = false
            case "desc": descending = true
            default: throw .invalid("order_by", "direction must be asc or desc, not '\(words[1])'")
            }
            if name == "id" {
                self.idDescending = descending
                sawID = true
                canonical.append("id" + (descending ? " desc" : ""))
                continue
            }
            if sawID {
                throw .invalid("order_by", "id must be the last field (it is unique, so later fields never apply)")
            }
            let aliases = ["revision": "update_revision", "updated": "update_revision"]
            guard let field = Field(rawValue: aliases[name] ?? name) else {
                throw .invalid(
                    "order_by[\(index)]",
                    "cannot order by '\(name)': use amount, announced, update_revision or id"
                )
            }
            if self.fields.contains(where: { $0.field == field }) {
                throw .invalid("order_by[\(index)]", "'\(field.rawValue)' is already named: name each field once")
            }
            self.fields.append((field, descending))
            canonical.append(field.rawValue + (descending ? " desc" : ""))
        }
        if !sawID { canonical.append("id") }
        self.canonical = canonical.joined(separator: ", ")
    }

    func keys(_ entry: DealIndexEntry) -> [Int128] {
        self.fields.map { item in
            switch item.field {
            case .amount: entry.amountNanos
            case .announced: Int128(entry.announcedStart)
            case .updateRevision: Int128(entry.updateRevision)
            }
        }
    }

    /// Strict "comes before" in this ordering.
    func precedes(_ a: DealPageToken.Position, _ b: DealPageToken.Position) -> Bool {
        for (index, item) in self.fields.enumerated() where a.keys[index] != b.keys[index] {
            return item.descending ? a.keys[index] > b.keys[index] : a.keys[index] < b.keys[index]
        }
        return self.idDescending ? a.id > b.id : a.id < b.id
    }
}
