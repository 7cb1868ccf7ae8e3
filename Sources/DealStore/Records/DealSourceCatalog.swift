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
    /// One source a record lists: its id within the record, its catalog id and its publisher as compared.
    struct Citation: Sendable, Equatable {
        var localID: String
        var catalogID: String
        var publisherKey: String
    }

    /// The catalog id of `source`, or "" when it has no identity across records.
    static func catalogID(of source: Dealstore_V1_Source) -> String {
        Self.catalogID(
            publisher: source.publisher,
            url: source.url,
            title: source.title,
            published: (source.published.year, source.published.month, source.published.day)
        )
    }

    static func catalogID(
        publisher: String,
        url: String,
        title: String,
        published: (year: Int32, month: Int32, day: Int32)
    ) -> String {
        let key: String
        let link = Self.normalizedURL(url)
        if !link.isEmpty {
            key = "u\n" + link
        } else {
            let publisher = DealStore.publisherKey(publisher)
            let title = title.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if publisher.isEmpty && title.isEmpty { return "" }
            key = "t\n\(publisher)\n\(title)\n\(published.year)-\(published.month)-\(published.day)"
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return "src-" + String(repeating: "0", count: 16 - hex.count) + hex
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

    /// The catalogued sources of an organization.
    static func citations(in organization: Dealstore_V1_Organization) -> [Citation] {
        organization.sources.compactMap { source in
            let id = Self.catalogID(of: source)
            return id.isEmpty
                ? nil
                : Citation(localID: source.id, catalogID: id, publisherKey: DealStore.publisherKey(source.publisher))
        }
    }

    /// The catalogued sources of a stored deal, read from its bytes: only `sources` (field 15) and in each only the
    /// identity fields are read, so that indexing a deal on every write and on every load costs no decode. Bytes
    /// this reader does not follow are decoded by SwiftProtobuf instead.
    static func citations(inDeal bytes: [UInt8]) -> [Citation] {
        if let skimmed = bytes.withUnsafeBytes({ Self.skimSources($0) }) { return skimmed }
        guard let deal = try? Dealstore_V1_Deal(serializedBytes: bytes) else { return [] }
        return deal.sources.compactMap { source in
            let id = Self.catalogID(of: source)
            return id.isEmpty
                ? nil
                : Citation(localID: source.id, catalogID: id, publisherKey: DealStore.publisherKey(source.publisher))
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
                if !citation.catalogID.isEmpty { citations.append(citation) }
            } else if !Self.skipField(wire: wire, &reader) {
                return nil
            }
        }
        return citations
    }

    private static func skimSource(_ buffer: UnsafeRawBufferPointer) -> Citation? {
        var reader = DealWireReader(bytes: buffer)
        var (id, publisher, url, title) = ("", "", "", "")
        var published: (year: Int32, month: Int32, day: Int32) = (0, 0, 0)
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag() else { return nil }
            switch (field, wire) {
            case (1, 2):
                guard let value = reader.string() else { return nil }
                id = value
            case (2, 2):
                guard let value = reader.string() else { return nil }
                publisher = value
            case (3, 2):
                guard let value = reader.string() else { return nil }
                url = value
            case (4, 2):
                guard let value = reader.string() else { return nil }
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
        let catalogID = Self.catalogID(publisher: publisher, url: url, title: title, published: published)
        return Citation(localID: id, catalogID: catalogID, publisherKey: DealStore.publisherKey(publisher))
    }
}
