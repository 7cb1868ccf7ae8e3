import Dispatch
import HashTreeCollections
import Synchronization

extension DealStoreState {
    /// ``putDeal(_:)`` for every entry of a snapshot, into a state that holds no deals yet, building the primary
    /// map and the secondary indexes in parallel.
    ///
    /// Recovery inserts a million entries here; one after the other this was the largest sequential part of a
    /// restart. The parts touch disjoint fields, so they run in parallel; the result is what the loop of
    /// `putDeal` gives (which is also what runs if an id turns out to repeat, or the state is not empty).
    ///
    /// The batches arrive grouped by target and investor (see ``DealIndexBatch``), so every ordered index is sorted
    /// once and built bottom-up (no insert per id), the reference counts follow from the group sizes instead of a
    /// dictionary update per reference, and the summary totals are accumulated on a worker of their own.
    mutating func putDealsInBulk(_ batches: [DealIndexBatch]) {
        let total = batches.reduce(0) { $0 + $1.entries.count }
        guard self.deals.isEmpty, self.dealsByTarget.isEmpty, self.dealsByInvestor.isEmpty,
            self.referenceCounts.isEmpty
        else {
            for batch in batches { for entry in batch.entries { self.putDeal(entry) } }
            return
        }
        // Investors carry twice the deals of targets (a typical deal has two): two halves keep both cores busy.
        var investorIDs = Set<String>()
        for batch in batches { investorIDs.formUnion(batch.byInvestor.keys) }
        let investorList = Array(investorIDs)
        let half = investorList.count / 2
        let investorHalves = [investorList[..<half], investorList[half...]]

        let primary = Mutex<TreeDictionary<String, DealIndexEntry>>([:])
        let byTarget = Mutex<[String: DealSortedIDs]>([:])
        let byInvestor = Mutex<[String: DealSortedIDs]>([:])
        let summaries = Mutex(DealSummaryIndex())
        DispatchQueue.concurrentPerform(iterations: 5) { part in
            switch part {
            case 0:
                var deals = TreeDictionary<String, DealIndexEntry>()
                for batch in batches { for entry in batch.entries { deals[entry.id] = entry } }
                primary.withLock { $0 = deals }
            case 1:
                var targetIDs = Set<String>()
                for batch in batches { targetIDs.formUnion(batch.byTarget.keys) }
                let sets = Self.groupSets(keys: targetIDs, batches: batches, groups: \.byTarget)
                byTarget.withLock { $0 = sets }
            case 4:
                let index = Self.summaryIndex(batches)
                summaries.withLock { $0 = index }
            default:
                let sets = Self.groupSets(keys: investorHalves[part - 2], batches: batches, groups: \.byInvestor)
                byInvestor.withLock { $0.merge(sets) { first, _ in first } }
            }
        }
        let deals = primary.withLock { $0 }
        guard deals.count == total else {
            // A repeated id: the groups above hold it twice. Take the exact path.
            for batch in batches { for entry in batch.entries { self.putDeal(entry) } }
            return
        }
        self.deals = deals
        self.dealsByTarget = TreeDictionary(uniqueKeysWithValues: byTarget.withLock { $0 })
        self.dealsByInvestor = TreeDictionary(uniqueKeysWithValues: byInvestor.withLock { $0 })
        self.summaries = summaries.withLock { $0 }
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

    /// The summary totals of every entry, accumulated in plain dictionaries (a hash update in place each), then
    /// turned into the persistent maps once: a few hundred groups.
    private static func summaryIndex(_ batches: [DealIndexBatch]) -> DealSummaryIndex {
        var plain = DealSummaryMaps<[String: DealGroupTotals]>()
        for batch in batches { for entry in batch.entries { plain.add(entry, sign: 1) } }
        return plain.persistent
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
