/// Index entries decoded by one recovery worker, with the secondary-index groupings that worker already computed.
///
/// Why the groupings are built here: grouping by target and investor hashes each organization id once, on the
/// decoding workers (in parallel), so that ``DealStoreState/putDealsInBulk(_:)`` can presize every set and fill it
/// without a dictionary lookup per deal. Batches are handed over as they are, never concatenated: flattening a
/// million entries cost ~0.25 s of a restart.
struct DealIndexBatch: Sendable {
    var entries: [DealIndexEntry] = []
    /// Target id → the ids of its deals. The ids themselves rather than positions in `entries`: filling the sets
    /// then reads contiguous memory, where following a position to its entry missed the cache on every deal.
    var byTarget: [String: [String]] = [:]
    /// Investor id → the ids of its deals (an investor appears once per deal).
    var byInvestor: [String: [String]] = [:]
    /// Organization id → deals in which it is both the target and an investor (counted once in references).
    var targetAlsoInvestor: [String: Int] = [:]
    /// Organization id → deals referring to it other than as target or investor.
    var extraReferences: [String: Int] = [:]

    init(capacity: Int) {
        self.entries.reserveCapacity(capacity)
    }

    /// Appends `entry` and records it in the groupings.
    mutating func append(_ entry: DealIndexEntry) {
        self.entries.append(entry)
        self.byTarget[entry.targetID, default: []].append(entry.id)
        for investor in entry.investorIDs {
            self.byInvestor[investor, default: []].append(entry.id)
            if investor == entry.targetID { self.targetAlsoInvestor[investor, default: 0] += 1 }
        }
        for reference in entry.extraReferences { self.extraReferences[reference, default: 0] += 1 }
    }
}
