import DealModel

/// Organization id ↔ a small number, for one snapshot load: the decoding workers group deals by number into flat
/// arrays instead of appending to one array per organization in a dictionary.
///
/// A final class with only `let` properties: shared by reference between the workers (read only) and `Sendable`
/// without `@unchecked`.
final class DealOrganizationNumbering: Sendable {
    /// Number → organization id.
    let names: [String]
    /// Organization id → number.
    let numbers: [String: Int32]

    init(_ ids: some Collection<String>) {
        self.names = Array(ids)
        var numbers = [String: Int32](minimumCapacity: self.names.count)
        for (index, id) in self.names.enumerated() { numbers[id] = Int32(truncatingIfNeeded: index) }
        self.numbers = self.names.count <= Int(Int32.max) ? numbers : [:]
    }
}

/// Index entries decoded by one recovery worker, with the secondary-index groupings that worker already computed.
///
/// Why the groupings are built here: grouping by target and investor hashes each organization id once, on the
/// decoding workers (in parallel), so that ``DealStoreState/putDealsInBulk(_:numbering:)`` can presize every set
/// and fill it without a dictionary lookup per deal. Batches are handed over as they are, never concatenated:
/// flattening a million entries cost ~0.25 s of a restart.
///
/// Deals are grouped by organization *number* (``DealOrganizationNumbering``, the snapshot's organizations) into
/// flat arrays: one read-only lookup per reference and an append to a hot array. The first version appended each
/// id to that organization's own array in a `[String: [String]]`, which touched a cold array per deal (the
/// uniqueness check alone was 7 % of a restart). Organizations without a number (a deal naming one the snapshot
/// does not hold) are grouped the old way, in `byTarget` and `byInvestor`.
struct DealIndexBatch: Sendable {
    var entries: [DealIndexEntry] = []
    /// The entries' ids, in order: filling the sets reads these contiguous strings rather than following each
    /// entry's pointer (which missed the cache on every deal).
    var ids: [String] = []
    let numbering: DealOrganizationNumbering
    /// Per entry, its target's number, or -1 when it has none (then it is in `byTarget`).
    var targetNumbers: [Int32] = []
    /// Per numbered investor of each entry: the investor's number and the entry's position in `ids`.
    var investorNumbers: [Int32] = []
    var investorPositions: [Int] = []
    /// Target id → the ids of its deals, for targets without a number.
    var byTarget: [String: [String]] = [:]
    /// Investor id → the ids of its deals (an investor appears once per deal), for investors without a number.
    var byInvestor: [String: [String]] = [:]
    /// Organization id → deals in which it is both the target and an investor (counted once in references).
    var targetAlsoInvestor: [String: Int] = [:]
    /// Organization id → deals referring to it other than as target or investor.
    var extraReferences: [String: Int] = [:]
    /// For each entry, the bucket its id takes at the top of the deals map's hash trie, modulo
    /// ``DealStoreState/bulkPartitions``: the map is built in that many disjoint parts on every core and joined at
    /// its root (see ``DealStoreState/putDealsInBulk(_:numbering:)``).
    var partitions: [UInt8] = []
    /// This batch's contribution to the unfiltered summaries, accumulated on the decoding worker (in parallel)
    /// and merged once per group afterwards, instead of one thread adding up every deal: per organization number
    /// for the target and investor groupings (flat arrays, see ``DealBulkTotals``), in `summaries` for the year,
    /// quarter and type groupings and for organizations without a number.
    var targetTotals: [DealBulkTotals]
    var investorTotals: [DealBulkTotals]
    var summaries = DealSummaryMaps<[String: DealGroupTotals]>()
    /// The entries' citations, for the source catalog (read from each deal's bytes here, on the worker).
    var citations = DealCitationBatch()

    init(capacity: Int, numbering: DealOrganizationNumbering) {
        self.numbering = numbering
        self.targetTotals = Array(repeating: DealBulkTotals(), count: numbering.names.count)
        self.investorTotals = Array(repeating: DealBulkTotals(), count: numbering.names.count)
        self.entries.reserveCapacity(capacity)
        self.ids.reserveCapacity(capacity)
        self.targetNumbers.reserveCapacity(capacity)
        self.partitions.reserveCapacity(capacity)
        self.investorNumbers.reserveCapacity(capacity * 2)
        self.investorPositions.reserveCapacity(capacity * 2)
    }

    /// Appends `entry` and records it in the groupings and the summary totals (what
    /// ``DealSummaryMaps/add(_:sign:only:)`` adds for it, split between the flat arrays and `summaries`).
    mutating func append(_ entry: DealIndexEntry) {
        let position = self.ids.count
        self.entries.append(entry)
        self.ids.append(entry.id)
        self.partitions.append(DealStoreState.bulkPartition(of: entry.id))
        self.citations.append(
            DealSourceCatalog.citations(inDeal: entry.bytes),
            record: DealSourceIndex.dealRecord(entry.id)
        )
        // Cancelled deals are left out of every summary.
        let summarized = entry.status != Dealstore_V1_DealStatus.cancelled.rawValue
        if summarized {
            self.summaries.add(entry, sign: 1, only: .year)
            self.summaries.add(entry, sign: 1, only: .quarter)
            self.summaries.add(entry, sign: 1, only: .dealType)
        }
        if let number = self.numbering.numbers[entry.targetID] {
            self.targetNumbers.append(number)
            if summarized {
                let index = Int(number)
                self.targetTotals[index].dealCount += 1
                for contribution in entry.contributions {
                    self.targetTotals[index].add(
                        currency: contribution.currency,
                        committed: contribution.committed,
                        funded: contribution.funded
                    )
                }
            }
        } else {
            self.targetNumbers.append(-1)
            self.byTarget[entry.targetID, default: []].append(entry.id)
            if summarized { self.summaries.add(entry, sign: 1, only: .target) }
        }
        for investor in entry.investorIDs {
            if let number = self.numbering.numbers[investor] {
                self.investorNumbers.append(number)
                self.investorPositions.append(position)
            } else {
                self.byInvestor[investor, default: []].append(entry.id)
            }
            if investor == entry.targetID { self.targetAlsoInvestor[investor, default: 0] += 1 }
        }
        for reference in entry.extraReferences { self.extraReferences[reference, default: 0] += 1 }
        guard summarized else { return }
        let contributions = entry.contributions
        for index in contributions.indices {
            let contribution = contributions[index]
            // The deal counts once per investor, at its first contribution (as in `DealSummaryMaps.add`).
            let first = !contributions[..<index].contains { $0.investorID == contribution.investorID }
            if let number = self.numbering.numbers[contribution.investorID] {
                let slot = Int(number)
                if first { self.investorTotals[slot].dealCount += 1 }
                self.investorTotals[slot].add(
                    currency: contribution.currency,
                    committed: contribution.committed,
                    funded: contribution.funded
                )
            } else {
                self.summaries.byInvestor.updateGroup(contribution.investorID) { totals in
                    if first { totals.dealCount += 1 }
                    totals.add(
                        currency: contribution.currency,
                        committed: contribution.committed,
                        funded: contribution.funded,
                        sign: 1
                    )
                }
            }
        }
    }
}
