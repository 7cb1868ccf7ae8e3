import DealModel
import HashTreeCollections

extension DealStore {
    /// Totals by the target's industry or headquarters country (SUMMARY_GROUPING_INDUSTRY, _COUNTRY).
    ///
    /// Computed from the per-target totals (the index every write keeps, or the matching deals' when filtered) and
    /// the organizations of the same version, so an organization's industries or country can change without any
    /// deal being re-indexed. A target with several industries counts in each of them (so the groups' sums can
    /// exceed the total of all deals); a target with none, or without a headquarters, is in group "unknown".
    ///
    /// With `filter.normalize_to`, every group also carries its totals in that currency, each contribution converted
    /// at its deal's date (``normalizing(_:entries:grouping:to:table:organizations:)``), as the other groupings.
    static func contextSummary(
        _ grouping: Dealstore_V1_SummaryGrouping,
        filter: Dealstore_V1_DealFilter,
        version: DealVersion,
        table: DealFXTable
    ) throws(DealStoreError) -> [Dealstore_V1_SummaryGroup] {
        var byTarget: [String: DealGroupTotals] = [:]
        var normalization: (entries: [DealIndexEntry], currency: String)?
        if filter == Dealstore_V1_DealFilter() {
            for (key, totals) in version.summaries.byTarget { byTarget[key] = totals }
        } else {
            let matcher = try DealFilterMatcher(filter, version: version, fxTable: table)
            var index = DealSummaryMaps<[String: DealGroupTotals]>()
            let entries = Self.matching(matcher, in: version)
            for entry in entries { index.add(entry, sign: 1, only: .target) }
            byTarget = index.byTarget
            if let currency = matcher.normalizeTo { normalization = (entries, currency) }
        }
        var groups: [String: DealGroupTotals] = [:]
        for (target, totals) in byTarget {
            for key in Self.contextKeys(of: version.organizations[target], grouping) {
                groups[key, default: DealGroupTotals()].absorb(totals)
            }
        }
        let answer = Self.summaryGroups(groups, grouping: grouping, version: version)
        guard let normalization else { return answer }
        return Self.normalizing(
            answer,
            entries: normalization.entries,
            grouping: grouping,
            to: normalization.currency,
            table: table,
            organizations: version.organizations
        )
    }

    /// The groups a target belongs to: its industries or its headquarters country, else "unknown".
    static func contextKeys(
        of organization: Dealstore_V1_Organization?,
        _ grouping: Dealstore_V1_SummaryGrouping
    ) -> [String] {
        guard let organization else { return ["unknown"] }
        if grouping == .industry {
            return organization.industries.isEmpty ? ["unknown"] : organization.industries
        }
        let country = organization.headquarters.countryCode
        return country.isEmpty ? ["unknown"] : [country]
    }
}

extension DealGroupTotals {
    /// Adds another group's deal count and sums (with the same wrapping arithmetic as ``add(currency:committed:
    /// funded:sign:)``; the sums are saturated only when answered).
    mutating func absorb(_ other: DealGroupTotals) {
        self.dealCount += other.dealCount
        for sums in other.currencies {
            if let index = self.currencies.firstIndex(where: { $0.currency == sums.currency }) {
                self.currencies[index].committed &+= sums.committed
                self.currencies[index].funded &+= sums.funded
                self.currencies[index].contributions += sums.contributions
            } else {
                self.currencies.append(sums)
            }
        }
    }
}
