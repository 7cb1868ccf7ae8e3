import DealModel
import HashTreeCollections

extension DealSourceIndex {
    /// The index of every source the organizations and the recovered deals cite, from what the decoding workers
    /// gathered (``DealCitationBatch``): the same index as one ``add(_:record:)`` per record, without an insert per
    /// citation. Recovery builds the same two halves as separate tasks (``catalog(_:)`` and
    /// ``citationsByPublisher(_:)``, in `DealStoreState.putDealsInBulk`).
    ///
    /// Why this shape: built from strings in one pass, the catalog made a 1,000,000-deal restart six times slower.
    /// Here every citation is a (hash, position) pair: grouping by catalog id is one sort of integers, and the
    /// groups come out in hash order, which is catalog-id order, so the catalog and each publisher's sources are
    /// built bottom-up from already sorted arrays. The batches arrive in deal-id order, so
    /// each publisher's citations arrive sorted, or nearly (an id that is a prefix of another can swap two keys),
    /// and their sort has next to nothing to do.
    init(organizations: [String: Dealstore_V1_Organization], batches: [DealCitationBatch]) {
        let all = DealCitationBatch.merged(organizations: organizations, batches: batches)
        self.init(catalog: Self.catalog(all), citationsByPublisher: Self.citationsByPublisher(all))
    }

    /// The index from its two halves, built apart (in parallel, by recovery).
    init(catalog: Catalog, citationsByPublisher: TreeDictionary<String, DealSortedIDs>) {
        self.init()
        self.entries = catalog.entries
        self.catalogIDs = catalog.catalogIDs
        self.sourcesByPublisher = catalog.sourcesByPublisher
        self.citationsByPublisher = citationsByPublisher
    }

    /// The catalog half of the index: sources by hash, in order, and by publisher.
    struct Catalog: Sendable {
        var entries: TreeDictionary<UInt64, Entry> = [:]
        var catalogIDs = DealSortedSet<UInt64>()
        var sourcesByPublisher: TreeDictionary<String, DealSortedSet<UInt64>> = [:]
    }

    /// Publisher → its citations' report keys, from citations in report-key order (or nearly).
    static func citationsByPublisher(_ all: DealCitationBatch) -> TreeDictionary<String, DealSortedIDs> {
        var citationsByPublisher = [[String]](repeating: [], count: all.publisherNames.count)
        for position in all.keys.indices where all.publishers[position] >= 0 {
            citationsByPublisher[Int(all.publishers[position])].append(all.keys[position])
        }
        return TreeDictionary(
            uniqueKeysWithValues: zip(all.publisherNames, citationsByPublisher).map { ($0, DealSortedIDs($1)) }
        )
    }

    static func catalog(_ all: DealCitationBatch) -> Catalog {
        let (keys, hashes, publishers, publisherNames) = (all.keys, all.hashes, all.publishers, all.publisherNames)
        guard !keys.isEmpty else { return Catalog() }
        // Grouped by catalog hash; within a group, in arrival order (the position breaks ties).
        var order = hashes.indices.map { (hash: hashes[$0], position: Int32($0)) }
        order.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.position < $1.position }

        var entries: [(UInt64, Entry)] = []
        var catalogIDs: [UInt64] = []
        entries.reserveCapacity(order.count)
        catalogIDs.reserveCapacity(order.count)
        var sourcesByPublisher = [[UInt64]](repeating: [], count: publisherNames.count)
        var start = 0
        while start < order.count {
            let hash = order[start].hash
            var end = start + 1
            while end < order.count && order[end].hash == hash { end += 1 }
            var citations: [String] = []
            citations.reserveCapacity(end - start)
            var named: [Int32] = []
            for item in order[start..<end] {
                let position = Int(item.position)
                citations.append(keys[position])
                if publishers[position] >= 0 { named.append(publishers[position]) }
            }
            // Counted as runs of the sorted numbers: a source cited under many publishers costs a sort, not a
            // search per citation.
            named.sort()
            var entry = Entry(citations: DealCitationSet(citations))
            var run = 0
            while run < named.count {
                var next = run + 1
                while next < named.count && named[next] == named[run] { next += 1 }
                entry.publishers.append((publisherNames[Int(named[run])], next - run))
                sourcesByPublisher[Int(named[run])].append(hash)
                run = next
            }
            entry.publishers.sort { $0.key < $1.key }
            entries.append((hash, entry))
            catalogIDs.append(hash)
            start = end
        }
        return Catalog(
            entries: TreeDictionary(uniqueKeysWithValues: entries),
            catalogIDs: DealSortedSet(sortedUnique: catalogIDs),
            sourcesByPublisher: TreeDictionary(
                uniqueKeysWithValues: zip(publisherNames, sourcesByPublisher).map {
                    ($0, DealSortedSet(sortedUnique: $1))
                }
            )
        )
    }
}
