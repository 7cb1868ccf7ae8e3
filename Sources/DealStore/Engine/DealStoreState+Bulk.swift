import Dispatch
import HashTreeCollections
import Synchronization

extension DealStoreState {
    /// How many disjoint parts recovery builds the deals map in (a power of two, at most 32: the buckets of the
    /// trie's top level).
    static let bulkPartitions = 16

    /// The part of the deals map `id` is built in: the low bits of the hash `TreeDictionary` itself places keys
    /// by (swift-collections' `_Hash` is `_rawHashValue(seed: 0)`, its top level the lowest 5 bits), so different
    /// parts share no top-level bucket and joining them links subtrees. Were the hashes ever to differ, the join
    /// would still be exact, only slower (a merge inserts what overlaps).
    static func bulkPartition(of id: String) -> UInt8 {
        UInt8(truncatingIfNeeded: UInt(bitPattern: id._rawHashValue(seed: 0)) & UInt(Self.bulkPartitions - 1))
    }

    /// ``putDeal(_:)`` for every entry of a snapshot, into a state that holds no deals yet, building the primary
    /// map and the secondary indexes in parallel. Every batch must have been built with `numbering`.
    ///
    /// Recovery inserts a million entries here; one after the other this was the largest sequential part of a
    /// restart. The parts touch disjoint fields, so they run in parallel; the result is what the loop of
    /// `putDeal` gives (which is also what runs if an id turns out to repeat, or the state is not empty).
    ///
    /// The batches arrive grouped by target and investor number (see ``DealIndexBatch``), so every ordered index
    /// is gathered by a counting sort into one flat array and built bottom-up (no insert per id), the reference
    /// counts follow from the group sizes instead of a dictionary update per reference, and the summary totals
    /// arrive summed per batch (by the decoding workers, in parallel). The deals map is built in
    /// ``bulkPartitions`` parts by hash, on every core, then joined.
    mutating func putDealsInBulk(_ batches: [DealIndexBatch], numbering: DealOrganizationNumbering) {
        let total = batches.reduce(0) { $0 + $1.entries.count }
        guard self.deals.isEmpty, self.dealsByTarget.isEmpty, self.dealsByInvestor.isEmpty,
            self.referenceCounts.isEmpty, batches.allSatisfy({ $0.numbering === numbering })
        else {
            for batch in batches { for entry in batch.entries { self.putDeal(entry) } }
            return
        }
        // The deals map is built in `bulkPartitions` disjoint parts, one task each, so that its million inserts
        // run on every core; the parts are joined below. Investors carry twice the deals of targets (a typical
        // deal has two): their sets are built in two halves (even and odd numbers).
        let parts = Mutex<[Int: TreeDictionary<String, DealIndexEntry>]>([:])
        let byTarget = Mutex<[String: DealSortedIDs]>([:])
        let byInvestor = Mutex<[String: DealSortedIDs]>([:])
        let summaries = Mutex(DealSummaryIndex())
        // The organizations' citations and the workers' (`DealIndexBatch.citations`); the index replaces what
        // `putOrganization` added, organizations included. Its two halves are the longest tasks: they start first
        // rather than run alone at the end.
        let citations = DealCitationBatch.merged(organizations: self.organizations, batches: batches.map(\.citations))
        let catalog = Mutex(DealSourceIndex.Catalog())
        let citationsByPublisher = Mutex<TreeDictionary<String, DealSortedIDs>>([:])
        let partitions = Self.bulkPartitions
        DispatchQueue.concurrentPerform(iterations: partitions + 6) { iteration in
            let task = iteration < 2 ? partitions + 4 + iteration : iteration - 2
            switch task {
            case 0..<partitions:
                var deals = TreeDictionary<String, DealIndexEntry>()
                let partition = UInt8(task)
                for batch in batches {
                    for (index, entry) in batch.entries.enumerated() where batch.partitions[index] == partition {
                        deals[entry.id] = entry
                    }
                }
                parts.withLock { $0[task] = deals }
            case partitions:
                var sets = Self.numberedSets(numbering, batches, parity: nil) { batch, body in
                    for (position, number) in batch.targetNumbers.enumerated() where number >= 0 {
                        body(Int(number), position)
                    }
                }
                var unnumbered = Set<String>()
                for batch in batches { unnumbered.formUnion(batch.byTarget.keys) }
                sets.merge(Self.groupSets(keys: unnumbered, batches: batches, groups: \.byTarget)) { first, _ in first }
                byTarget.withLock { $0.merge(sets) { first, _ in first } }
            case partitions + 1:
                // The workers summed their own deals; adding up a few thousand groups per batch is all that is left.
                var plain = DealSummaryMaps<[String: DealGroupTotals]>()
                for batch in batches { plain.absorb(batch.summaries) }
                // The numbered groups: disjoint from those in `summaries` (organizations without a number).
                for (number, name) in numbering.names.enumerated() {
                    var target = DealBulkTotals()
                    var investor = DealBulkTotals()
                    for batch in batches {
                        target.absorb(batch.targetTotals[number])
                        investor.absorb(batch.investorTotals[number])
                    }
                    if target.isTouched { plain.byTarget[name] = target.totals }
                    if investor.isTouched { plain.byInvestor[name] = investor.totals }
                }
                let index = plain.persistent
                summaries.withLock { $0 = index }
            case partitions + 4:
                let built = DealSourceIndex.catalog(citations)
                catalog.withLock { $0 = built }
            case partitions + 5:
                let built = DealSourceIndex.citationsByPublisher(citations)
                citationsByPublisher.withLock { $0 = built }
            default:
                let half = task - partitions - 2
                var sets = Self.numberedSets(numbering, batches, parity: half) { batch, body in
                    for (number, position) in zip(batch.investorNumbers, batch.investorPositions) {
                        body(Int(number), position)
                    }
                }
                if half == 0 {
                    var unnumbered = Set<String>()
                    for batch in batches { unnumbered.formUnion(batch.byInvestor.keys) }
                    sets.merge(Self.groupSets(keys: unnumbered, batches: batches, groups: \.byInvestor)) { a, _ in a }
                }
                byInvestor.withLock { $0.merge(sets) { first, _ in first } }
            }
        }
        // The parts hold disjoint top-level buckets of the hash trie, so each merge links the part's subtrees
        // under the root (no item is inserted again). A repeated id lands in one part (an id has one hash), where
        // the map keeps one entry: the count check below catches it.
        var deals = TreeDictionary<String, DealIndexEntry>()
        for part in parts.withLock({ parts in (0..<partitions).compactMap { parts[$0] } }) {
            deals.merge(part) { first, _ in first }
        }
        guard deals.count == total else {
            // A repeated id: the groups above hold it twice. Take the exact path.
            for batch in batches { for entry in batch.entries { self.putDeal(entry) } }
            return
        }
        self.deals = deals
        self.dealsByTarget = TreeDictionary(uniqueKeysWithValues: byTarget.withLock { $0 })
        self.dealsByInvestor = TreeDictionary(uniqueKeysWithValues: byInvestor.withLock { $0 })
        self.summaries = summaries.withLock { $0 }
        self.sources = DealSourceIndex(
            catalog: catalog.withLock { $0 },
            citationsByPublisher: citationsByPublisher.withLock { $0 }
        )
        // What `putDeal` counts one reference at a time: a deal refers to its target, its investors and its extra
        // references, each once (an investor that is also the target counts once).
        var references: [String: Int] = [:]
        references.reserveCapacity(self.dealsByTarget.count + self.dealsByInvestor.count)
        for (id, set) in self.dealsByTarget { references[id, default: 0] += set.count }
        for (id, set) in self.dealsByInvestor { references[id, default: 0] += set.count }
        for batch in batches {
            for (id, count) in batch.targetAlsoInvestor { references[id, default: 0] -= count }
            for (id, count) in batch.extraReferences { references[id, default: 0] += count }
        }
        self.referenceCounts = TreeDictionary(uniqueKeysWithValues: references.filter { $0.value > 0 })
    }

    /// The set of deal ids of every organization number (of the given `parity`, or every number when nil), from
    /// the (number, position in the batch's `ids`) pairs `references` reports for each batch: a counting sort into
    /// one flat array (two passes over the pairs), then each set built bottom-up from its slice. The batches are in
    /// id order, so each slice is already sorted.
    private static func numberedSets(
        _ numbering: DealOrganizationNumbering,
        _ batches: [DealIndexBatch],
        parity: Int?,
        references: (DealIndexBatch, (Int, Int) -> Void) -> Void
    ) -> [String: DealSortedIDs] {
        let count = numbering.names.count
        // bounds[n] is where number n's ids start, bounds[n + 1] where they end.
        var bounds = [Int](repeating: 0, count: count + 1)
        for batch in batches {
            references(batch) { number, _ in if parity == nil || number % 2 == parity { bounds[number + 1] += 1 } }
        }
        for number in 0..<count { bounds[number + 1] += bounds[number] }
        var cursor = bounds
        var flat = [String](repeating: "", count: bounds[count])
        for batch in batches {
            references(batch) { number, position in
                guard parity == nil || number % 2 == parity else { return }
                flat[cursor[number]] = batch.ids[position]
                cursor[number] += 1
            }
        }
        var sets = [String: DealSortedIDs]()
        for number in 0..<count where bounds[number + 1] > bounds[number] {
            sets[numbering.names[number]] = DealSortedIDs(Array(flat[bounds[number]..<bounds[number + 1]]))
        }
        return sets
    }

    /// For each of `keys`, the set of the deal ids its groups list across `batches`, created at its final size.
    private static func groupSets(
        keys: some Collection<String>,
        batches: [DealIndexBatch],
        groups: KeyPath<DealIndexBatch, [String: [String]]>
    ) -> [String: DealSortedIDs] {
        let groupings = batches.map { $0[keyPath: groups] }
        var sets = [String: DealSortedIDs](minimumCapacity: keys.count)
        for key in keys {
            var count = 0
            for grouping in groupings { count += grouping[key]?.count ?? 0 }
            var ids: [String] = []
            ids.reserveCapacity(count)
            for grouping in groupings { ids.append(contentsOf: grouping[key] ?? []) }
            // Sorted once here and built bottom-up: no insert per id.
            sets[key] = DealSortedIDs(ids)
        }
        return sets
    }
}
