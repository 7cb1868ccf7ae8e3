/// One summary group's totals while a snapshot loads, its first currency held inline.
///
/// Why not ``DealGroupTotals`` in a dictionary: recovery adds a million deals to about 21,000 target and investor
/// groups, and each addition looked its group up in a dictionary and then touched the group's own currency array,
/// two cache misses per contribution (a quarter of a restart's CPU time). Kept in a flat array indexed by
/// organization number (see ``DealOrganizationNumbering``), with the one currency nearly every group has inline,
/// an addition touches one element. Only additions happen here (a load never removes a deal), so a currency's
/// contributions only grow, and ``totals`` lists the currencies in order of first appearance, as adding the deals
/// one at a time to a ``DealGroupTotals`` does.
struct DealBulkTotals: Sendable {
    var dealCount = 0
    /// The first currency seen (`contributions` 0: none yet).
    var first = DealCurrencySums(currency: "", committed: 0, funded: 0, contributions: 0)
    /// Every later currency, in order of first appearance (usually empty: no allocation).
    var others: [DealCurrencySums] = []

    /// True once a deal or a contribution was added.
    var isTouched: Bool { self.dealCount > 0 || self.first.contributions > 0 }

    /// Adds one contribution (what ``DealGroupTotals/add(currency:committed:funded:sign:)`` does with sign 1).
    mutating func add(currency: String, committed: Int128, funded: Int128) {
        self.add(DealCurrencySums(currency: currency, committed: committed, funded: funded, contributions: 1))
    }

    /// Adds `sums` (one contribution, or a whole group's sums in a currency).
    mutating func add(_ sums: DealCurrencySums) {
        if self.first.contributions == 0 {
            self.first = sums
        } else if self.first.currency == sums.currency {
            self.first.committed &+= sums.committed
            self.first.funded &+= sums.funded
            self.first.contributions += sums.contributions
        } else if let index = self.others.firstIndex(where: { $0.currency == sums.currency }) {
            self.others[index].committed &+= sums.committed
            self.others[index].funded &+= sums.funded
            self.others[index].contributions += sums.contributions
        } else {
            self.others.append(sums)
        }
    }

    /// Adds the totals of other deals (another batch's), keeping the order of first appearance.
    mutating func absorb(_ other: DealBulkTotals) {
        self.dealCount += other.dealCount
        if other.first.contributions > 0 { self.add(other.first) }
        for sums in other.others { self.add(sums) }
    }

    /// The group as the store keeps it.
    var totals: DealGroupTotals {
        DealGroupTotals(
            dealCount: self.dealCount,
            currencies: self.first.contributions > 0 ? [self.first] + self.others : self.others
        )
    }
}
