import DealModel
import HashTreeCollections

/// The store's source catalog as persistent indexes, kept in ``DealStoreState`` and every ``DealVersion`` like the
/// deal indexes: catalog id → the records citing it, publisher → catalog ids, publisher → citations.
///
/// A citation is named by its report key: `o/<organization id>/<source id>` or `~/<deal id>/<source id>` (organizations
/// sort before deals), the order ListSourceReports answers in, so a page is the keys after the page token. Updated
/// on every write and every replayed log record (``add(_:record:)``, ``remove(_:record:)``), and built in bulk
/// after a snapshot loads (``catalog(_:)`` and ``citationsByPublisher(_:)`` in DealSourceIndex+Bulk, run as two
/// tasks by `DealStoreState.putDealsInBulk`).
struct DealSourceIndex: Sendable, Equatable {
    /// One catalog source: its citations and how many of them name each publisher.
    struct Entry: Sendable, Equatable {
        var citations = DealCitationSet()
        /// Publisher key → how many citations name it, ascending by key: an array, not a dictionary, because a
        /// source names one publisher or a few, and a million of them are kept.
        var publishers: [(key: String, count: Int)] = []

        static func == (a: Entry, b: Entry) -> Bool {
            a.citations == b.citations && a.publishers.elementsEqual(b.publishers) { $0 == $1 }
        }

        /// Adds `delta` to the publisher's count, dropping it at zero; returns the count before.
        mutating func count(_ publisher: String, _ delta: Int) -> Int {
            var low = 0
            var high = self.publishers.count
            while low < high {
                let middle = (low + high) / 2
                if self.publishers[middle].key < publisher { low = middle + 1 } else { high = middle }
            }
            guard low < self.publishers.count, self.publishers[low].key == publisher else {
                if delta > 0 { self.publishers.insert((publisher, delta), at: low) }
                return 0
            }
            let before = self.publishers[low].count
            if before + delta > 0 {
                self.publishers[low].count = before + delta
            } else {
                self.publishers.remove(at: low)
            }
            return before
        }
    }

    /// Catalog hash (``DealSourceCatalog/Citation/catalogHash``) → its source. Keyed by the number the id spells:
    /// a million string keys cost a restart a second of hashing and 40 bytes each.
    var entries: TreeDictionary<UInt64, Entry> = [:]
    /// Every catalog hash, ascending: catalog-id order (ListSources without a publisher).
    var catalogIDs = DealSortedSet<UInt64>()
    /// Publisher key → the catalog hashes of the sources cited with that publisher at least once.
    var sourcesByPublisher: TreeDictionary<String, DealSortedSet<UInt64>> = [:]
    /// Publisher key → the report keys of every citation naming that publisher.
    var citationsByPublisher: TreeDictionary<String, DealSortedIDs> = [:]

    init() {}

    static func key(record: String, source: String) -> String { record + "/" + source }
    static func organizationRecord(_ id: String) -> String { "o/" + id }
    static func dealRecord(_ id: String) -> String { "~/" + id }

    /// The source whose catalog id is `id`, if any record cites it.
    func entry(catalogID id: String) -> Entry? {
        DealSourceCatalog.hash(ofCatalogID: id).flatMap { self.entries[$0] }
    }

    mutating func add(_ citations: [DealSourceCatalog.Citation], record: String) {
        for citation in citations {
            let key = Self.key(record: record, source: citation.localID)
            let hash = citation.catalogHash
            var entry =
                self.entries[hash]
                ?? {
                    self.catalogIDs.insert(hash)
                    return Entry()
                }()
            entry.citations.insert(key)
            if !citation.publisherKey.isEmpty {
                if entry.count(citation.publisherKey, 1) == 0 {
                    self.sourcesByPublisher[citation.publisherKey, default: DealSortedSet()].insert(hash)
                }
                self.citationsByPublisher[citation.publisherKey, default: DealSortedIDs()].insert(key)
            }
            self.entries[hash] = entry
        }
    }

    mutating func remove(_ citations: [DealSourceCatalog.Citation], record: String) {
        for citation in citations {
            let hash = citation.catalogHash
            guard var entry = self.entries[hash] else { continue }
            let key = Self.key(record: record, source: citation.localID)
            guard entry.citations.remove(key) else { continue }
            if !citation.publisherKey.isEmpty {
                if entry.count(citation.publisherKey, -1) <= 1 {
                    Self.remove(hash, key: citation.publisherKey, from: &self.sourcesByPublisher)
                }
                Self.remove(key, key: citation.publisherKey, from: &self.citationsByPublisher)
            }
            if entry.citations.isEmpty {
                self.entries[hash] = nil
                self.catalogIDs.remove(hash)
            } else {
                self.entries[hash] = entry
            }
        }
    }

    private static func remove<Element>(
        _ id: Element,
        key: String,
        from index: inout TreeDictionary<String, DealSortedSet<Element>>
    ) {
        guard var ids = index[key] else { return }
        ids.remove(id)
        index[key] = ids.isEmpty ? nil : ids
    }
}
