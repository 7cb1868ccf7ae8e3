import DealModel
import HashTreeCollections
import SwiftProtobuf
import Testing

@testable import DealStore

/// The source catalog's fast paths (issue 18 part 6, and the restart regression they fixed): the byte-level
/// identity must be the Foundation definition the first catalog ids were derived with, and the catalog recovery
/// builds in bulk must be the one the writes build citation by citation.
@Suite("Source identity and the catalog's bulk build")
struct DealSourceIdentityTests {
    /// A deterministic generator (SplitMix64), so that a failure names inputs that can be replayed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[self.below(items.count)] }
    }

    /// Text built from the pieces identity rules care about: every ASCII white space and control character,
    /// separators, both cases, and non-ASCII letters (which must take the Unicode path and agree with it).
    static func text(_ random: inout Random, allowUnicode: Bool) -> String {
        let ascii = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        let pieces =
            ["://", "/", "#", "?", "http", "HTTPS", "Www.FT.com", "a", "Z", " ", "\t", "\r\n", "\u{0B}", "\u{0C}"]
            + ascii
        let unicode = ["é", "É", "\u{A0}", "\u{2003}", "\u{85}", "e\u{301}", "ß", "İ"]
        var text = ""
        for _ in 0..<random.below(12) {
            text += allowUnicode && random.below(6) == 0 ? random.pick(unicode) : random.pick(pieces)
        }
        return text
    }

    @Test("for every ASCII source, the byte path gives the identity and publisher key Foundation's rules give")
    func bytePathMatchesFoundation() {
        var random = Random(state: 18)
        var compared = 0
        for _ in 0..<20_000 {
            var (publisher, url, title) = (
                Self.text(&random, allowUnicode: false), Self.text(&random, allowUnicode: false),
                Self.text(&random, allowUnicode: false)
            )
            if random.below(3) == 0 { url = "" }
            let published = (Int32(random.below(3000)) - 5, Int32(random.below(13)), Int32(random.below(32)))
            let expected = DealSourceCatalog.unicodeHash(
                publisher: publisher,
                url: url,
                title: title,
                published: published
            )
            let fast = publisher.withUTF8 { p in
                url.withUTF8 { u in
                    title.withUTF8 { t in
                        DealSourceIdentity.asciiHash(
                            publisher: UnsafeRawBufferPointer(p),
                            url: UnsafeRawBufferPointer(u),
                            title: UnsafeRawBufferPointer(t),
                            published: published
                        )
                    }
                }
            }
            let wanted: DealSourceIdentity.Outcome = expected.map { .hash($0) } ?? .noIdentity
            #expect(fast == wanted, "publisher \(publisher.debugDescription) url \(url.debugDescription)")
            let key = publisher.withUTF8 { DealSourceIdentity.asciiKey(UnsafeRawBufferPointer($0)) }
            #expect(key == DealSourceCatalog.unicodePublisherKey(publisher), "\(publisher.debugDescription)")
            compared += 1
        }
        #expect(compared == 20_000)
    }

    @Test("sources with non-ASCII text get the Unicode identity, from a decoded source and from a deal's bytes")
    func unicodeSources() throws {
        var random = Random(state: 6)
        for index in 0..<2_000 {
            var source = Dealstore_V1_Source()
            source.id = "s\(index)"
            source.publisher = Self.text(&random, allowUnicode: true)
            source.url = random.below(2) == 0 ? "" : Self.text(&random, allowUnicode: true)
            source.title = Self.text(&random, allowUnicode: true)
            source.published.year = 2020
            let expected = DealSourceCatalog.unicodeHash(
                publisher: source.publisher,
                url: source.url,
                title: source.title,
                published: (2020, 0, 0)
            )
            #expect(DealSourceCatalog.catalogHash(of: source) == expected)
            var deal = TestStores.deal("d\(index)")
            deal.sources = [source]
            let skimmed = DealSourceCatalog.citations(inDeal: try deal.serializedBytes())
            #expect(skimmed.map(\.catalogHash) == (expected.map { [$0] } ?? []), "\(source)")
            #expect(
                skimmed.map(\.publisherKey)
                    == (expected == nil ? [] : [DealSourceCatalog.unicodePublisherKey(source.publisher)])
            )
        }
    }

    @Test("catalog ids are those the first catalog derived (pinned)")
    func pinnedIDs() {
        var article = Dealstore_V1_Source()
        article.publisher = "Financial Times"
        article.url = "https://www.ft.com/content/google-anthropic"
        let pinned = DealSourceCatalog.catalogID(of: article)
        article.url = "  HTTPS://WWW.FT.COM/content/google-anthropic/#top\n"
        #expect(DealSourceCatalog.catalogID(of: article) == pinned)
        #expect(pinned == "src-" + Self.fnv("u\nhttps://www.ft.com/content/google-anthropic"))
        var untitled = Dealstore_V1_Source()
        untitled.publisher = " Les Échos "
        untitled.title = "Mistral lève 600 millions"
        untitled.published.year = 2024
        untitled.published.month = 6
        #expect(
            DealSourceCatalog.catalogID(of: untitled)
                == "src-" + Self.fnv("t\nles échos\nmistral lève 600 millions\n2024-6-0")
        )
        #expect(DealSourceCatalog.catalogID(of: Dealstore_V1_Source()) == "")
    }

    /// FNV-1a as the catalog's documentation defines it, written out independently of the store's code.
    static func fnv(_ key: String) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    @Test("the catalog built in bulk after a snapshot is the one built citation by citation", arguments: [1, 2, 3])
    func bulkMatchesIncremental(seed: UInt64) throws {
        var random = Random(state: seed)
        // Ids where one is a prefix of another ("a" and "a-2"): their report keys sort apart from the ids.
        let stems = ["a", "a-2", "a.b", "a-2-1", "b", "b0", "deal", "deal-1", "deal-10", "deal-1-2"]
        let pool = (0..<40).map { index -> Dealstore_V1_Source in
            var source = Dealstore_V1_Source()
            source.publisher = random.pick(["Financial Times", " financial times", "FT", "Le Monde", "", "Les Échos"])
            source.url = index % 3 == 0 ? "" : "https://example.com/\(index % 17)"
            source.title = index % 5 == 0 ? "" : "Report \(index % 7)"
            return source
        }
        var organizations: [String: Dealstore_V1_Organization] = [:]
        var incremental = DealSourceIndex()
        for index in 0..<12 {
            var organization = Dealstore_V1_Organization()
            organization.id = random.pick(stems) + "-org\(index)"
            organization.sources = (0..<random.below(3)).map { slot in
                var source = random.pick(pool)
                source.id = "s\(slot)"
                return source
            }
            organizations[organization.id] = organization
        }
        for (id, organization) in organizations {
            incremental.add(
                DealSourceCatalog.citations(in: organization),
                record: DealSourceIndex.organizationRecord(id)
            )
        }
        var ids = Set<String>()
        while ids.count < 300 { ids.insert(random.pick(stems) + (random.below(2) == 0 ? "" : "-\(random.below(60))")) }
        // Recovery's batches: deals in id order, split into contiguous chunks.
        var batches = [DealCitationBatch(), DealCitationBatch(), DealCitationBatch()]
        for (position, id) in ids.sorted().enumerated() {
            var deal = TestStores.deal(id)
            deal.sources = (0..<random.below(4)).map { slot in
                var source = random.pick(pool)
                source.id = "src\(3 - slot)"
                return source
            }
            let citations = DealSourceCatalog.citations(inDeal: try deal.serializedBytes())
            incremental.add(citations, record: DealSourceIndex.dealRecord(id))
            batches[position * batches.count / ids.count].append(citations, record: DealSourceIndex.dealRecord(id))
        }
        let bulk = DealSourceIndex(organizations: organizations, batches: batches)
        #expect(bulk.entries.count > 10)
        #expect(bulk.citationsByPublisher.count >= 3)
        #expect(bulk == incremental)
        #expect(bulk.catalogIDs.all == bulk.entries.keys.sorted())
    }
}
