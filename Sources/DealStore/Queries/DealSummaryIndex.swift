import DealModel
import HashTreeCollections

/// One currency's sums within a summary group.
struct DealCurrencySums: Sendable, Equatable {
    var currency: String
    /// Nanos, kept with wrapping arithmetic so that removing a deal takes back exactly what adding it added; the
    /// sum is exact while the true total fits Int128 (more than 10^10 maximal amounts), and is saturated to what a
    /// Money carries only when answered.
    var committed: Int128
    var funded: Int128
    /// How many contributions in this currency the group holds: the currency is listed while this is above 0.
    var contributions: Int
}

/// A summary group's deal count and per-currency sums.
struct DealGroupTotals: Sendable, Equatable {
    var dealCount = 0
    var currencies: [DealCurrencySums] = []

    var isEmpty: Bool { self.dealCount == 0 && self.currencies.isEmpty }

    mutating func add(currency: String, committed: Int128, funded: Int128, sign: Int) {
        if let index = self.currencies.firstIndex(where: { $0.currency == currency }) {
            if sign > 0 {
                self.currencies[index].committed &+= committed
                self.currencies[index].funded &+= funded
            } else {
                self.currencies[index].committed &-= committed
                self.currencies[index].funded &-= funded
            }
            self.currencies[index].contributions += sign
            if self.currencies[index].contributions <= 0 { self.currencies.remove(at: index) }
        } else if sign > 0 {
            self.currencies.append(
                DealCurrencySums(currency: currency, committed: committed, funded: funded, contributions: 1)
            )
        }
    }
}

/// A map from group key to totals that ``DealSummaryMaps`` accumulates into: the persistent `TreeDictionary` of a
/// version, or a plain `Dictionary` when one thread builds the totals alone (recovery's bulk load, where a hash
/// update in place is several times cheaper than a persistent one).
protocol DealGroupMap: Sendable {
    init()
    /// Changes the totals of `key` in place (starting from empty ones), dropping the key if they become empty.
    mutating func updateGroup(_ key: String, _ body: (inout DealGroupTotals) -> Void)
}

extension TreeDictionary: DealGroupMap where Key == String, Value == DealGroupTotals {
    mutating func updateGroup(_ key: String, _ body: (inout DealGroupTotals) -> Void) {
        var empty = false
        DealGroupTotals.mutate(&self[key, default: DealGroupTotals()]) { totals in
            body(&totals)
            empty = totals.dealCount <= 0 && totals.currencies.isEmpty
        }
        if empty { self[key] = nil }
    }
}

extension Dictionary: DealGroupMap where Key == String, Value == DealGroupTotals {
    mutating func updateGroup(_ key: String, _ body: (inout DealGroupTotals) -> Void) {
        var empty = false
        DealGroupTotals.mutate(&self[key, default: DealGroupTotals()]) { totals in
            body(&totals)
            empty = totals.dealCount <= 0 && totals.currencies.isEmpty
        }
        if empty { self[key] = nil }
    }
}

extension DealGroupTotals {
    static func mutate(_ totals: inout DealGroupTotals, _ body: (inout DealGroupTotals) -> Void) {
        body(&totals)
    }
}

/// The summary of every stored deal, per grouping, kept up to date by every write, so that an unfiltered
/// SummarizeDeals reads a few hundred groups instead of scanning every deal.
///
/// Persistent maps (`TreeDictionary`, ``DealSummaryIndex``): a version of the store shares them in O(1) and a
/// write changes one path per group it touches. The same accumulation (``add(_:sign:only:)``) serves filtered
/// summaries, which scan the matching deals into a fresh index for the one grouping asked for, so both answers
/// follow one definition: cancelled deals are left out; an investor group counts the deals in which it has a
/// contribution, the other groups every deal of their key.
typealias DealSummaryIndex = DealSummaryMaps<TreeDictionary<String, DealGroupTotals>>

struct DealSummaryMaps<Map: DealGroupMap>: Sendable {
    var byInvestor = Map()
    var byTarget = Map()
    var byYear = Map()
    var byQuarter = Map()
    var byType = Map()

    static func yearKey(_ entry: DealIndexEntry) -> String {
        entry.announcedYear == 0 ? "unknown" : String(entry.announcedYear)
    }

    static func quarterKey(_ entry: DealIndexEntry) -> String {
        entry.announcedYear == 0
            ? "unknown"
            : "\(entry.announcedYear)-Q" + (entry.announcedQuarter == 0 ? "?" : String(entry.announcedQuarter))
    }

    func groups(_ grouping: Dealstore_V1_SummaryGrouping) -> Map {
        switch grouping {
        case .investor: self.byInvestor
        case .target: self.byTarget
        case .year: self.byYear
        case .quarter: self.byQuarter
        default: self.byType
        }
    }

    /// Adds (`sign` 1) or takes back (`sign` -1) one deal; `only` limits the work to one grouping.
    mutating func add(_ entry: DealIndexEntry, sign: Int, only: Dealstore_V1_SummaryGrouping? = nil) {
        guard entry.status != Dealstore_V1_DealStatus.cancelled.rawValue else { return }
        if only == nil || only == .investor {
            let contributions = entry.contributions
            for index in contributions.indices {
                let contribution = contributions[index]
                // The deal counts once per investor: at its first contribution (a scan of the few before it
                // rather than a set of those counted, which allocated per deal).
                let first = !contributions[..<index].contains { $0.investorID == contribution.investorID }
                self.byInvestor.updateGroup(contribution.investorID) { totals in
                    if first { totals.dealCount += sign }
                    totals.add(
                        currency: contribution.currency,
                        committed: contribution.committed,
                        funded: contribution.funded,
                        sign: sign
                    )
                }
            }
        }
        if only == nil || only == .target { Self.addKeyed(entry, key: entry.targetID, sign: sign, to: &self.byTarget) }
        if only == nil || only == .year { Self.addKeyed(entry, key: Self.yearKey(entry), sign: sign, to: &self.byYear) }
        if only == nil || only == .quarter {
            Self.addKeyed(entry, key: Self.quarterKey(entry), sign: sign, to: &self.byQuarter)
        }
        if only == nil || only == .dealType {
            Self.addKeyed(entry, key: DealStore.dealTypeName(entry.type), sign: sign, to: &self.byType)
        }
    }

    private static func addKeyed(_ entry: DealIndexEntry, key: String, sign: Int, to groups: inout Map) {
        groups.updateGroup(key) { totals in
            totals.dealCount += sign
            for contribution in entry.contributions {
                totals.add(
                    currency: contribution.currency,
                    committed: contribution.committed,
                    funded: contribution.funded,
                    sign: sign
                )
            }
        }
    }
}

extension DealSummaryMaps where Map == [String: DealGroupTotals] {
    /// Adds the totals of `other`, accumulated over other deals (recovery's workers each sum their own part), with
    /// ``DealGroupTotals/absorb(_:)``: currencies keep the order adding the deals one at a time gives.
    mutating func absorb(_ other: Self) {
        Self.absorb(other.byInvestor, into: &self.byInvestor)
        Self.absorb(other.byTarget, into: &self.byTarget)
        Self.absorb(other.byYear, into: &self.byYear)
        Self.absorb(other.byQuarter, into: &self.byQuarter)
        Self.absorb(other.byType, into: &self.byType)
    }

    private static func absorb(_ source: [String: DealGroupTotals], into target: inout [String: DealGroupTotals]) {
        if target.isEmpty {
            target = source
            return
        }
        for (key, totals) in source { target[key, default: DealGroupTotals()].absorb(totals) }
    }

    /// The persistent form of totals accumulated in plain dictionaries.
    var persistent: DealSummaryIndex {
        var index = DealSummaryIndex()
        index.byInvestor = TreeDictionary(uniqueKeysWithValues: self.byInvestor)
        index.byTarget = TreeDictionary(uniqueKeysWithValues: self.byTarget)
        index.byYear = TreeDictionary(uniqueKeysWithValues: self.byYear)
        index.byQuarter = TreeDictionary(uniqueKeysWithValues: self.byQuarter)
        index.byType = TreeDictionary(uniqueKeysWithValues: self.byType)
        return index
    }
}
