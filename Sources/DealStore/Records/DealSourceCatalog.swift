import DealModel
import Foundation
import SwiftProtobuf

/// How the store tells one source from another across records (issue 18 part 6, "sources stored once and referred to
/// by id"): a source's identity, its stable catalog id, and what a stored record cites.
///
/// Identity: the same URL (scheme and host lower-cased, fragment and trailing slash dropped) is the same source;
/// without a URL, the same publisher, title and published date (case-insensitively, surrounding spaces ignored) is.
/// A source with neither a URL nor a publisher or title is the record's own and is not catalogued.
///
/// The catalog id is a pure function of the identity (`src-` and 16 hex digits of its 64-bit FNV-1a hash): it needs
/// no record of its own in the log or the snapshot, it is the same after a restart, on every replica and after an
/// export and re-import, and the records themselves are stored exactly as written (their bytes, etags and exports
/// do not change), so data stored before the catalog is catalogued as it loads.
enum DealSourceCatalog {
    /// One source a record lists: its id within the record, its catalog hash and its publisher as compared.
    struct Citation: Sendable, Equatable {
        var localID: String
        /// The 64-bit identity hash ``catalogID`` spells (kept as a number: recovery sorts and groups a million of
        /// them, which as strings cost a memcmp per comparison).
        var catalogHash: UInt64
        var publisherKey: String

        var catalogID: String { DealSourceCatalog.catalogID(hash: self.catalogHash) }
    }

    /// The catalog id of `source`, or "" when it has no identity across records.
    static func catalogID(of source: Dealstore_V1_Source) -> String {
        Self.catalogHash(of: source).map(Self.catalogID(hash:)) ?? ""
    }

    static func catalogHash(of source: Dealstore_V1_Source) -> UInt64? {
        Self.catalogHash(
            publisher: source.publisher,
            url: source.url,
            title: source.title,
            published: (source.published.year, source.published.month, source.published.day)
        )
    }

    /// `src-` and the 16 lower-case hex digits of `hash`: fixed width, so the ids sort as their hashes do.
    static func catalogID(hash: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 20) { buffer in
            for (index, byte) in "src-".utf8.enumerated() { buffer[index] = byte }
            for position in 0..<16 {
                buffer[4 + position] = digits[Int((hash >> UInt64(60 - 4 * position)) & 0xF)]
            }
            return 20
        }
    }

    /// The hash `id` spells, or nil when it is not a catalog id (`src-` and 16 lower-case hex digits).
    static func hash(ofCatalogID id: String) -> UInt64? {
        let utf8 = id.utf8
        guard utf8.count == 20, utf8.starts(with: "src-".utf8) else { return nil }
        var hash: UInt64 = 0
        for byte in utf8.dropFirst(4) {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): hash = hash << 4 | UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): hash = hash << 4 | UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return hash
    }

    /// The identity hash of a source (see the type's comment), or nil when it has none.
    ///
    /// ASCII identities, nearly all of them, are compared on their bytes (``DealSourceIdentity``); the rest through
    /// Foundation's Unicode-aware trimming and case mapping, which for ASCII is the same function (a test holds the
    /// two paths equal), so every catalog id stays what it was when first derived.
    static func catalogHash(
        publisher: String,
        url: String,
        title: String,
        published: (year: Int32, month: Int32, day: Int32)
    ) -> UInt64? {
        var (publisher, url, title) = (publisher, url, title)
        let outcome = url.withUTF8 { url in
            publisher.withUTF8 { publisher in
                title.withUTF8 { title in
                    DealSourceIdentity.asciiHash(
                        publisher: UnsafeRawBufferPointer(publisher),
                        url: UnsafeRawBufferPointer(url),
                        title: UnsafeRawBufferPointer(title),
                        published: published
                    )
                }
            }
        }
        switch outcome {
        case .hash(let hash): return hash
        case .noIdentity: return nil
        case .notASCII: return Self.unicodeHash(publisher: publisher, url: url, title: title, published: published)
        }
    }

    /// The identity hash by Foundation's Unicode rules: the definition the byte path must match.
    static func unicodeHash(
        publisher: String,
        url: String,
        title: String,
        published: (year: Int32, month: Int32, day: Int32)
    ) -> UInt64? {
        let key: String
        let link = Self.normalizedURL(url)
        if !link.isEmpty {
            key = "u\n" + link
        } else {
            let publisher = Self.unicodePublisherKey(publisher)
            let title = title.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if publisher.isEmpty && title.isEmpty { return nil }
            key = "t\n\(publisher)\n\(title)\n\(published.year)-\(published.month)-\(published.day)"
        }
        var hash = DealSourceIdentity.FNV1a()
        for byte in key.utf8 { hash.add(byte) }
        return hash.value
    }

    /// A URL as compared: trimmed, without its fragment or a trailing slash, scheme and host in lower case.
    static func normalizedURL(_ url: String) -> String {
        var link = url.trimmingCharacters(in: .whitespacesAndNewlines)
        if let hash = link.firstIndex(of: "#") { link = String(link[..<hash]) }
        while link.hasSuffix("/") { link.removeLast() }
        guard let scheme = link.range(of: "://") else { return link }
        let rest = link[scheme.upperBound...]
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        return link[..<hostEnd].lowercased() + link[hostEnd...]
    }

    /// A publisher as compared: lower case, surrounding white space removed.
    static func publisherKey(_ publisher: String) -> String {
        var publisher = publisher
        return publisher.withUTF8 { DealSourceIdentity.asciiKey(UnsafeRawBufferPointer($0)) }
            ?? Self.unicodePublisherKey(publisher)
    }

    static func unicodePublisherKey(_ publisher: String) -> String {
        publisher.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The catalogued sources of an organization.
    static func citations(in organization: Dealstore_V1_Organization) -> [Citation] {
        Self.citations(of: organization.sources)
    }

    /// The catalogued sources of a stored deal, read from its bytes: only `sources` (field 15) and in each only the
    /// identity fields are read, so that indexing a deal on every write and on every load costs no decode. Bytes
    /// this reader does not follow are decoded by SwiftProtobuf instead.
    static func citations(inDeal bytes: [UInt8]) -> [Citation] {
        if let skimmed = bytes.withUnsafeBytes({ Self.skimSources($0) }) { return skimmed }
        guard let deal = try? Dealstore_V1_Deal(serializedBytes: bytes) else { return [] }
        return Self.citations(of: deal.sources)
    }

    private static func citations(of sources: [Dealstore_V1_Source]) -> [Citation] {
        sources.compactMap { source in
            Self.catalogHash(of: source).map {
                Citation(localID: source.id, catalogHash: $0, publisherKey: Self.publisherKey(source.publisher))
            }
        }
    }

    private static func skipField(wire: Int, _ reader: inout DealWireReader) -> Bool {
        switch wire {
        case 0: return reader.varint() != nil
        case 1: return reader.skip(8)
        case 2: return reader.lengthDelimited() != nil
        case 5: return reader.skip(4)
        default: return false
        }
    }

    private static func skimSources(_ buffer: UnsafeRawBufferPointer) -> [Citation]? {
        var reader = DealWireReader(bytes: buffer)
        var citations: [Citation] = []
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag() else { return nil }
            if field == 15 {
                guard wire == 2, let body = reader.lengthDelimited(), let citation = Self.skimSource(body) else {
                    return nil
                }
                if let citation { citations.append(citation) }
            } else if !Self.skipField(wire: wire, &reader) {
                return nil
            }
        }
        return citations
    }

    /// One source's citation read from its bytes: nil when the bytes are not what this reader follows, `.some(nil)`
    /// when the source has no identity. Only the local id and the publisher key become strings.
    private static func skimSource(_ buffer: UnsafeRawBufferPointer) -> Citation?? {
        var reader = DealWireReader(bytes: buffer)
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        var (id, publisher, url, title) = (empty, empty, empty, empty)
        var published: (year: Int32, month: Int32, day: Int32) = (0, 0, 0)
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag() else { return nil }
            switch (field, wire) {
            case (1, 2):
                guard let value = Self.utf8(&reader) else { return nil }
                id = value
            case (2, 2):
                guard let value = Self.utf8(&reader) else { return nil }
                publisher = value
            case (3, 2):
                guard let value = Self.utf8(&reader) else { return nil }
                url = value
            case (4, 2):
                guard let value = Self.utf8(&reader) else { return nil }
                title = value
            case (5, 2):
                // A message given twice is merged by protobuf: the last value of each field wins, as here.
                guard let date = reader.lengthDelimited() else { return nil }
                var inner = DealWireReader(bytes: date)
                while !inner.isAtEnd {
                    guard let (dateField, dateWire) = inner.tag() else { return nil }
                    if dateWire == 0, (1...3).contains(dateField) {
                        guard let value = inner.int32() else { return nil }
                        switch dateField {
                        case 1: published.year = value
                        case 2: published.month = value
                        default: published.day = value
                        }
                    } else if !Self.skipField(wire: dateWire, &inner) {
                        return nil
                    }
                }
            case (1...4, _): return nil
            default: guard Self.skipField(wire: wire, &reader) else { return nil }
            }
        }
        let hash: UInt64
        switch DealSourceIdentity.asciiHash(publisher: publisher, url: url, title: title, published: published) {
        case .hash(let value): hash = value
        case .noIdentity: return .some(nil)
        case .notASCII:
            guard
                let value = Self.unicodeHash(
                    publisher: String(decoding: publisher, as: UTF8.self),
                    url: String(decoding: url, as: UTF8.self),
                    title: String(decoding: title, as: UTF8.self),
                    published: published
                )
            else { return .some(nil) }
            hash = value
        }
        let publisherKey =
            DealSourceIdentity.asciiKey(publisher)
            ?? Self.unicodePublisherKey(String(decoding: publisher, as: UTF8.self))
        return Citation(localID: String(decoding: id, as: UTF8.self), catalogHash: hash, publisherKey: publisherKey)
    }

    /// A string field's bytes, checked to be UTF-8 as protobuf requires (as ``DealWireReader/string()`` does).
    private static func utf8(_ reader: inout DealWireReader) -> UnsafeRawBufferPointer? {
        guard let field = reader.lengthDelimited() else { return nil }
        if DealSourceIdentity.isASCII(field) { return field }
        guard String(validating: field.bindMemory(to: UInt8.self), as: UTF8.self) != nil else { return nil }
        return field
    }
}
