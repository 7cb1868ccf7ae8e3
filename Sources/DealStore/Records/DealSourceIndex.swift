import DealModel
import HashTreeCollections

/// The store's source catalog as persistent indexes, kept in ``DealStoreState`` and every ``DealVersion`` like the
/// deal indexes: catalog id → the records citing it, publisher → catalog ids, publisher → citations.
///
/// A citation is named by its report key: `o/<organization id>/<source id>` or `~/<deal id>/<source id>` (organizations
/// sort before deals), the order ListSourceReports answers in, so a page is the keys after the page token. Updated
/// on every write and every replayed log record (``add(_:record:)``, ``remove(_:record:)``), and built in one pass
/// after a snapshot loads (``init(deals:organizations:)``).
struct DealSourceIndex: Sendable {
    /// One catalog source: its citations and how many of them name each publisher.
    struct Entry: Sendable {
        var citations = DealSortedIDs()
        var publishers: [String: Int] = [:]
    }

    var entries: TreeDictionary<String, Entry> = [:]
    /// Every catalog id, ascending (ListSources without a publisher).
    var catalogIDs = DealSortedIDs()
    /// Publisher key → the catalog ids of the sources cited with that publisher at least once.
    var sourcesByPublisher: TreeDictionary<String, DealSortedIDs> = [:]
    /// Publisher key → the report keys of every citation naming that publisher.
    var citationsByPublisher: TreeDictionary<String, DealSortedIDs> = [:]

    init() {}

    static func key(record: String, source: String) -> String { record + "/" + source }
    static func organizationRecord(_ id: String) -> String { "o/" + id }
    static func dealRecord(_ id: String) -> String { "~/" + id }

    mutating func add(_ citations: [DealSourceCatalog.Citation], record: String) {
        for citation in citations {
            let key = Self.key(record: record, source: citation.localID)
            var entry =
                self.entries[citation.catalogID]
                ?? {
                    self.catalogIDs.insert(citation.catalogID)
                    return Entry()
                }()
            entry.citations.insert(key)
            if !citation.publisherKey.isEmpty {
                let count = entry.publishers[citation.publisherKey, default: 0]
                entry.publishers[citation.publisherKey] = count + 1
                if count == 0 {
                    self.sourcesByPublisher[citation.publisherKey, default: DealSortedIDs()].insert(citation.catalogID)
                }
                self.citationsByPublisher[citation.publisherKey, default: DealSortedIDs()].insert(key)
            }
            self.entries[citation.catalogID] = entry
        }
    }

    mutating func remove(_ citations: [DealSourceCatalog.Citation], record: String) {
        for citation in citations {
            guard var entry = self.entries[citation.catalogID] else { continue }
            let key = Self.key(record: record, source: citation.localID)
            guard entry.citations.remove(key) else { continue }
            if !citation.publisherKey.isEmpty {
                let count = entry.publishers[citation.publisherKey, default: 1] - 1
                entry.publishers[citation.publisherKey] = count > 0 ? count : nil
                if count <= 0 {
                    Self.remove(citation.catalogID, key: citation.publisherKey, from: &self.sourcesByPublisher)
                }
                Self.remove(key, key: citation.publisherKey, from: &self.citationsByPublisher)
            }
            if entry.citations.isEmpty {
                self.entries[citation.catalogID] = nil
                self.catalogIDs.remove(citation.catalogID)
            } else {
                self.entries[citation.catalogID] = entry
            }
        }
    }

    private static func remove(_ id: String, key: String, from index: inout TreeDictionary<String, DealSortedIDs>) {
        guard var ids = index[key] else { return }
        ids.remove(id)
        index[key] = ids.isEmpty ? nil : ids
    }

    /// The index of every source the records cite, built in one pass (after a snapshot's bulk load): grouped, sorted
    /// and built bottom-up instead of one insert per citation.
    init(
        deals: TreeDictionary<String, DealIndexEntry>,
        organizations: [String: Dealstore_V1_Organization]
    ) {
        var byCatalog: [String: (keys: [String], publishers: [String: Int])] = [:]
        var byPublisher: [String: [String]] = [:]
        func collect(_ citations: [DealSourceCatalog.Citation], record: String) {
            for citation in citations {
                let key = Self.key(record: record, source: citation.localID)
                byCatalog[citation.catalogID, default: ([], [:])].keys.append(key)
                if !citation.publisherKey.isEmpty {
                    byCatalog[citation.catalogID]!.publishers[citation.publisherKey, default: 0] += 1
                    byPublisher[citation.publisherKey, default: []].append(key)
                }
            }
        }
        for (id, organization) in organizations {
            collect(DealSourceCatalog.citations(in: organization), record: Self.organizationRecord(id))
        }
        for (id, entry) in deals {
            collect(DealSourceCatalog.citations(inDeal: entry.bytes), record: Self.dealRecord(id))
        }
        var sourcesByPublisher: [String: [String]] = [:]
        var entries: [(String, Entry)] = []
        entries.reserveCapacity(byCatalog.count)
        for (id, group) in byCatalog {
            entries.append((id, Entry(citations: DealSortedIDs(group.keys), publishers: group.publishers)))
            for publisher in group.publishers.keys { sourcesByPublisher[publisher, default: []].append(id) }
        }
        self.entries = TreeDictionary(uniqueKeysWithValues: entries)
        self.catalogIDs = DealSortedIDs(Array(byCatalog.keys))
        self.sourcesByPublisher = TreeDictionary(
            uniqueKeysWithValues: sourcesByPublisher.map { ($0.key, DealSortedIDs($0.value)) }
        )
        self.citationsByPublisher = TreeDictionary(
            uniqueKeysWithValues: byPublisher.map { ($0.key, DealSortedIDs($0.value)) }
        )
    }
}
