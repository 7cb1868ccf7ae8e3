import DealModel
import SwiftProtobuf

/// One page of ``DealStore/listDeals(filter:orderBy:pageSize:pageToken:)``.
public struct DealListPage: Sendable {
    /// The deals of this page, in the requested order.
    public var deals: [Dealstore_V1_Deal]
    /// Pass it as `pageToken` for the next page; empty on the last page.
    public var nextPageToken: String
    /// How many deals match the filter in all.
    public var totalSize: Int
}

extension DealStore {
    /// Lists the deals matching `filter` in `orderBy` order (e.g. `"amount desc, id"`; default `id`).
    ///
    /// Pages are stable under concurrent writes: the token holds the last item's sort key and id, so the next page
    /// starts strictly after it. Filters on target, investors and lead investor are served by indexes; the others
    /// scan the candidates in memory (under the lock: a full scan of a million deals takes tens of milliseconds).
    /// `pageSize` 0 means 50; at most 1000.
    public func listDeals(
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter(),
        orderBy: String = "",
        pageSize: Int = 50,
        pageToken: String = ""
    ) throws(DealStoreError) -> DealListPage {
        let page = try self.listDealBytes(filter: filter, orderBy: orderBy, pageSize: pageSize, pageToken: pageToken)
        return DealListPage(
            deals: try page.deals.map(Self.decodeDeal),
            nextPageToken: page.nextPageToken,
            totalSize: page.totalSize
        )
    }

    /// ``listDeals(filter:orderBy:pageSize:pageToken:)`` with each deal in protobuf binary form, as stored: a server
    /// can frame them into its response without decoding and re-encoding every deal of the page.
    public func listDealBytes(
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter(),
        orderBy: String = "",
        pageSize: Int = 50,
        pageToken: String = ""
    ) throws(DealStoreError) -> (deals: [[UInt8]], nextPageToken: String, totalSize: Int) {
        let ordering = try DealOrdering(orderBy)
        let size = Self.clampPageSize(pageSize)
        let (bytes, next, total) = try self.state.withLock {
            state throws(DealStoreError) -> ([[UInt8]], String, Int) in
            let matcher = try DealFilterMatcher(filter, state: state)
            let fingerprint = matcher.fingerprint &+ DealCRC32C.checksum(Array(ordering.canonical.utf8))
            let after = try DealPageToken.decode(pageToken, fingerprint: fingerprint)
            if let after, after.keys.count != ordering.fields.count { throw DealPageToken.malformed }
            var page: [(position: DealPageToken.Position, bytes: [UInt8])] = []
            var total = 0
            func consider(_ entry: DealIndexEntry) {
                guard matcher.matches(entry, deal: { try? entry.decode() }) else { return }
                total += 1
                let position = DealPageToken.Position(keys: ordering.keys(entry), id: entry.id)
                if let after, !ordering.precedes(after, position) { return }
                if page.count > size, let last = page.last, !ordering.precedes(position, last.position) { return }
                var low = 0
                var high = page.count
                while low < high {
                    let middle = (low + high) / 2
                    if ordering.precedes(page[middle].position, position) { low = middle + 1 } else { high = middle }
                }
                page.insert((position, entry.bytes), at: low)
                if page.count > size + 1 { page.removeLast() }
            }
            if let candidates = matcher.candidates(state) {
                for id in candidates {
                    // Through an index: `deals[id]` would copy the whole entry for every candidate.
                    if let index = state.deals.index(forKey: id) { consider(state.deals.values[index]) }
                }
            } else {
                for entry in state.deals.values { consider(entry) }
            }
            var next = ""
            if page.count > size {
                page.removeLast()
                next = DealPageToken.encode(page[page.count - 1].position, fingerprint: fingerprint)
            }
            return (page.map(\.bytes), next, total)
        }
        return (bytes, next, total)
    }

    static func decodeDeal(_ bytes: [UInt8]) throws(DealStoreError) -> Dealstore_V1_Deal {
        do {
            return try Dealstore_V1_Deal(serializedBytes: bytes)
        } catch {
            throw DealStoreError(code: .internal, message: "a stored deal does not decode", cause: error)
        }
    }

    /// Matching entries (under the lock), for the aggregate queries.
    private func matching(
        _ filter: Dealstore_V1_DealFilter
    ) throws(DealStoreError) -> (
        entries: [DealIndexEntry], state: DealStoreState
    ) {
        try self.state.withLock { state throws(DealStoreError) in
            let matcher = try DealFilterMatcher(filter, state: state)
            var entries: [DealIndexEntry] = []
            if let candidates = matcher.candidates(state) {
                for id in candidates {
                    guard let index = state.deals.index(forKey: id) else { continue }
                    let entry = state.deals.values[index]
                    if matcher.matches(entry, deal: { try? entry.decode() }) {
                        entries.append(entry)
                    }
                }
            } else {
                for entry in state.deals.values where matcher.matches(entry, deal: { try? entry.decode() }) {
                    entries.append(entry)
                }
            }
            return (entries, state)
        }
    }

    /// Committed and funded totals per currency, grouped by investor, target, year, quarter or deal type.
    ///
    /// Committed sums the participations' committed amounts; funded sums tranches with status FUNDED; cancelled
    /// deals are excluded. Keys are organization ids, `"2023"`, `"2023-Q4"` (`"2023-Q?"` when only the year is
    /// known, `"unknown"` without a date), or the DealType name. Year and quarter groups come in time order; the
    /// others largest committed USD total first (then largest in any currency), then by key.
    public func summarize(
        groupBy: Dealstore_V1_SummaryGrouping,
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter()
    ) throws(DealStoreError) -> [Dealstore_V1_SummaryGroup] {
        if groupBy == .unspecified { throw .invalid("group_by", "is required") }
        let (entries, state) = try self.matching(filter)
        // One flat dictionary keyed by (group, currency): a single hash lookup per contribution.
        struct Key: Hashable {
            var group: String
            var currency: String
        }
        var totals: [Key: (committed: Int128, funded: Int128)] = [:]
        var dealCounts: [String: Int] = [:]
        var counted: [String] = []
        for entry in entries where entry.status != Dealstore_V1_DealStatus.cancelled.rawValue {
            if groupBy == .investor {
                counted.removeAll(keepingCapacity: true)
                for contribution in entry.contributions {
                    Self.add(
                        contribution,
                        to: &totals[
                            Key(group: contribution.investorID, currency: contribution.currency),
                            default: (0, 0)
                        ]
                    )
                    if !counted.contains(contribution.investorID) {
                        counted.append(contribution.investorID)
                        dealCounts[contribution.investorID, default: 0] += 1
                    }
                }
                continue
            }
            let key: String
            switch groupBy {
            case .target: key = entry.targetID
            case .year: key = entry.announcedYear == 0 ? "unknown" : String(entry.announcedYear)
            case .quarter:
                key =
                    entry.announcedYear == 0
                    ? "unknown"
                    : "\(entry.announcedYear)-Q" + (entry.announcedQuarter == 0 ? "?" : String(entry.announcedQuarter))
            default: key = Self.dealTypeName(entry.type)
            }
            dealCounts[key, default: 0] += 1
            for contribution in entry.contributions {
                Self.add(contribution, to: &totals[Key(group: key, currency: contribution.currency), default: (0, 0)])
            }
        }
        var currencies: [String: [String]] = [:]
        for key in totals.keys { currencies[key.group, default: []].append(key.currency) }
        // Time groups read best in time order; the others largest first (USD, then any currency), then by key.
        let chronological = groupBy == .year || groupBy == .quarter
        func weight(_ key: String) -> (usd: Int128, any: Int128) {
            let usd = totals[Key(group: key, currency: "USD")]?.committed ?? 0
            let any = (currencies[key] ?? []).map { totals[Key(group: key, currency: $0)]?.committed ?? 0 }.max() ?? 0
            return (usd, any)
        }
        let ordered = dealCounts.keys.sorted { a, b in
            if chronological { return a < b }
            let (x, y) = (weight(a), weight(b))
            if x.usd != y.usd { return x.usd > y.usd }
            if x.any != y.any { return x.any > y.any }
            return a < b
        }
        return ordered.map { key in
            var group = Dealstore_V1_SummaryGroup()
            group.key = key
            group.label =
                (groupBy == .investor || groupBy == .target) ? (state.organizations[key]?.name ?? key) : key
            group.dealCount = UInt64(dealCounts[key] ?? 0)
            group.totals = (currencies[key] ?? []).sorted().map { currency in
                var total = Dealstore_V1_CurrencyTotal()
                total.currencyCode = currency
                let sums = totals[Key(group: key, currency: currency)] ?? (0, 0)
                // A sum too large for a Money is sent as the largest Money, flagged, rather than wrapped or trapped.
                var saturated = false
                total.committed = Dealstore_V1_Money(
                    currencyCode: currency,
                    totalNanos: sums.committed,
                    saturated: &saturated
                )
                total.committedSaturated = saturated
                total.funded = Dealstore_V1_Money(
                    currencyCode: currency,
                    totalNanos: sums.funded,
                    saturated: &saturated
                )
                total.fundedSaturated = saturated
                return total
            }
            return group
        }
    }

    /// Adds one contribution to a group's sums, saturating: Int128 holds 10^14 maximal amounts, but a summary
    /// must not trap for any number of deals, nor for amounts stored before they had a maximum.
    private static func add(_ contribution: DealContribution, to sums: inout (committed: Int128, funded: Int128)) {
        sums.committed.addSaturating(contribution.committed)
        sums.funded.addSaturating(contribution.funded)
    }

    static func dealTypeName(_ raw: Int) -> String {
        let names = [
            "DEAL_TYPE_UNSPECIFIED", "DEAL_TYPE_SEED", "DEAL_TYPE_VENTURE", "DEAL_TYPE_CORPORATE_STRATEGIC",
            "DEAL_TYPE_CONVERTIBLE_NOTE", "DEAL_TYPE_DEBT", "DEAL_TYPE_ACQUISITION", "DEAL_TYPE_SECONDARY",
            "DEAL_TYPE_GRANT", "DEAL_TYPE_OTHER",
        ]
        return names.indices.contains(raw) ? names[raw] : "DEAL_TYPE_\(raw)"
    }

    /// The `limit` largest deals by headline amount (ties by id), in `currencyCode` when given.
    public func topDeals(
        limit: Int = 10,
        currencyCode: String = "",
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter()
    ) throws(DealStoreError) -> [Dealstore_V1_Deal] {
        var filter = filter
        if !currencyCode.isEmpty { filter.currencyCode = currencyCode }
        return try self.listDeals(filter: filter, orderBy: "amount desc, id", pageSize: max(1, limit)).deals
    }

    /// Organizations that invested in the same targets as `investor` (an id, name or alias), by id.
    public func coInvestors(of investor: String) throws(DealStoreError) -> [Dealstore_V1_CoInvestor] {
        try self.state.withLock { state throws(DealStoreError) in
            guard let id = state.resolveOrganization(investor) else {
                throw DealStoreError(code: .notFound, message: "organization '\(investor)' not found")
            }
            var targets: Set<String> = []
            for dealID in state.dealsByInvestor[id] ?? [] {
                if let entry = state.deals[dealID] { targets.insert(entry.targetID) }
            }
            var found: [String: (targets: Set<String>, deals: Set<String>)] = [:]
            for target in targets {
                for dealID in state.dealsByTarget[target] ?? [] {
                    guard let entry = state.deals[dealID] else { continue }
                    for other in entry.investorIDs where other != id {
                        found[other, default: ([], [])].targets.insert(target)
                        found[other]!.deals.insert(dealID)
                    }
                }
            }
            return found.keys.sorted().map { other in
                var result = Dealstore_V1_CoInvestor()
                result.organizationID = other
                result.name = state.organizations[other]?.name ?? other
                result.sharedTargetIds = found[other]!.targets.sorted()
                result.dealIds = found[other]!.deals.sorted()
                return result
            }
        }
    }

    /// The dated events of every deal `organization` (id, name or alias) is the target of or invests in, and the
    /// target's reported valuations, in date order (ties by deal id).
    public func timeline(of organization: String) throws(DealStoreError) -> Dealstore_V1_Timeline {
        let (id, entries) = try self.state.withLock { state throws(DealStoreError) -> (String, [DealIndexEntry]) in
            guard let id = state.resolveOrganization(organization) else {
                throw DealStoreError(code: .notFound, message: "organization '\(organization)' not found")
            }
            let ids = (state.dealsByTarget[id] ?? []).union(state.dealsByInvestor[id] ?? [])
            return (id, ids.compactMap { state.deals[$0] })
        }
        var events: [Dealstore_V1_TimelineEvent] = []
        var valuations: [Dealstore_V1_Valuation] = []
        func event(
            _ date: Dealstore_V1_PartialDate,
            _ kind: Dealstore_V1_TimelineEventKind,
            _ deal: Dealstore_V1_Deal,
            _ text: String,
            _ amount: Dealstore_V1_Money?
        ) {
            var event = Dealstore_V1_TimelineEvent()
            event.date = date
            event.kind = kind
            event.dealID = deal.id
            event.description_p = text
            if let amount { event.amount = amount }
            events.append(event)
        }
        for entry in entries {
            let deal = try Self.decodeDeal(entry.bytes)
            let title = deal.title.isEmpty ? deal.id : deal.title
            if deal.hasAnnounced {
                event(deal.announced, .dealAnnounced, deal, "announced: \(title)", deal.hasAmount ? deal.amount : nil)
            }
            if deal.hasClosed { event(deal.closed, .dealClosed, deal, "closed: \(title)", nil) }
            for tranche in deal.tranches where tranche.hasDue {
                event(tranche.due, .tranche, deal, "tranche \(tranche.id) (\(tranche.investorID))", tranche.amount)
            }
            for option in deal.options where option.hasExpires {
                event(
                    option.expires,
                    .optionExpiry,
                    deal,
                    "option \(option.id) of \(option.holderID) expires",
                    option.maximum
                )
            }
            for term in deal.strategicTerms where term.hasSince {
                event(term.since, .strategicTerm, deal, "\(term.value): \(term.description_p)", nil)
            }
            if deal.targetID == id {
                for valuation in deal.valuations {
                    valuations.append(valuation)
                    if valuation.hasAsOf { event(valuation.asOf, .valuation, deal, "valuation", valuation.amount) }
                }
            }
        }
        events.sort { ($0.date.sortKey, $0.dealID) < ($1.date.sortKey, $1.dealID) }
        valuations.sort { $0.asOf.sortKey < $1.asOf.sortKey }
        var timeline = Dealstore_V1_Timeline()
        timeline.organizationID = id
        timeline.events = events
        timeline.valuations = valuations
        return timeline
    }

    /// Disputed claims, each beside the accepted value and its source, in deal id then claim order; `dealID`
    /// restricts to one deal.
    public func conflicts(
        dealID: String = "",
        pageSize: Int = 50,
        pageToken: String = ""
    ) throws(DealStoreError) -> (conflicts: [Dealstore_V1_Conflict], nextPageToken: String) {
        let after = try DealPageToken.decodeSimple(pageToken, scope: "conflicts")
        let size = Self.clampPageSize(pageSize)
        let candidates = try self.state.withLock { state throws(DealStoreError) -> [DealIndexEntry] in
            if !dealID.isEmpty {
                guard let entry = state.deals[dealID] else {
                    throw DealStoreError(code: .notFound, message: "deal '\(dealID)' not found")
                }
                return [entry]
            }
            return state.deals.values.filter { $0.claimCount > 0 }
        }.sorted { $0.id < $1.id }
        var conflicts: [Dealstore_V1_Conflict] = []
        var next = ""
        let position = after.map { text in
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            return (deal: parts.first ?? "", claim: parts.count > 1 ? parts[1] : "")
        }
        for entry in candidates {
            if let position, entry.id < position.deal { continue }
            let deal = try Self.decodeDeal(entry.bytes)
            var claims = deal.disputedClaims[...]
            if let position, entry.id == position.deal {
                if let index = claims.firstIndex(where: { $0.id == position.claim }) {
                    claims = claims[(index + 1)...]
                }
            }
            for claim in claims {
                if conflicts.count == size {
                    next = DealPageToken.encodeSimple(
                        conflicts[size - 1].dealID + "/" + conflicts[size - 1].claim.id,
                        scope: "conflicts"
                    )
                    return (conflicts, next)
                }
                var conflict = Dealstore_V1_Conflict()
                conflict.dealID = deal.id
                conflict.dealTitle = deal.title
                conflict.claim = claim
                if let source = deal.sources.first(where: { $0.id == claim.sourceID }) { conflict.source = source }
                conflicts.append(conflict)
            }
        }
        return (conflicts, next)
    }
}
