public import DealModel
import HashTreeCollections
import SwiftProtobuf
import Synchronization

/// One page of ``DealStore/listDeals(filter:orderBy:pageSize:pageToken:)``.
public struct DealListPage: Sendable {
    /// The deals of this page, in the requested order.
    public var deals: [Dealstore_V1_Deal]
    /// Pass it as `pageToken` for the next page; empty on the last page.
    public var nextPageToken: String
    /// How many deals match the filter in all, at `revision`.
    public var totalSize: Int
    /// The revision the page was read at.
    public var revision: UInt64 = 0
}

extension DealStore {
    /// Lists the deals matching `filter` in `orderBy` order (e.g. `"amount desc, id"`; default `id`).
    ///
    /// Served from one version of the store, off every lock. Paging is a consistent read: a page token carries the
    /// revision of the version its page was cut from, and that version stays pinned for a while (see
    /// ``DealPinnedVersions``), so every page of one listing reads the same revision; a token whose version is no
    /// longer pinned reads the latest, and its key-based position still returns no deal twice.
    ///
    /// Filters on target, investors and lead investor are served by ordered indexes. In `id` order the page is
    /// the first matches after the token in the narrowest index, so a page costs about its size, and `totalSize`
    /// (always exact) is that index's cardinality when the filter is one target or one investor and nothing else;
    /// otherwise the candidates are counted (and, for other orders, ranked) in one pass over them.
    /// `pageSize` 0 or negative means ``DealPageSize/default``; at most ``DealPageSize/maximum``.
    public func listDeals(
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter(),
        orderBy: String = "",
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> DealListPage {
        let page = try self.listDealBytes(filter: filter, orderBy: orderBy, pageSize: pageSize, pageToken: pageToken)
        return DealListPage(
            deals: try page.deals.map(Self.decodeDeal),
            nextPageToken: page.nextPageToken,
            totalSize: page.totalSize,
            revision: page.revision
        )
    }

    /// ``listDeals(filter:orderBy:pageSize:pageToken:)`` with each deal in protobuf binary form, as stored: a server
    /// can frame them into its response without decoding and re-encoding every deal of the page. `revision` is the
    /// revision the page was read at.
    public func listDealBytes(
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter(),
        orderBy: String = "",
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> (deals: [[UInt8]], nextPageToken: String, totalSize: Int, revision: UInt64) {
        let ordering = try DealOrdering(orderBy)
        let size = DealPageSize.clamped(pageSize)
        var version = self.version
        // The token's fingerprint is checked against the filter as resolved in the latest version: organization
        // names resolve the same in the pinned one unless an organization was renamed in between, which the
        // fingerprint (of the request's filter, not of the resolution) does not see either.
        let fingerprint = DealFilterMatcher.fingerprint(filter) &+ DealCRC32C.checksum(Array(ordering.canonical.utf8))
        let after = try DealPageToken.decode(pageToken, fingerprint: fingerprint)
        if let after, after.keys.count != ordering.fields.count { throw DealPageToken.malformed }
        if let after, after.revision != 0, after.revision != version.revision,
            let pinned = self.pinned.withLock({ $0.version(at: after.revision) })
        {
            version = pinned
        }
        let matcher = try DealFilterMatcher(filter, version: version, fxTable: self.fxTable)
        var page: [(position: DealPageToken.Position, bytes: [UInt8])] = []
        var total = 0
        let candidates = matcher.candidates(version)
        let deals = version.deals
        if ordering.fields.isEmpty, !ordering.idDescending, case .index(let ids) = candidates {
            // Id order over an ordered index: the page is the first matches after the token.
            let exact = matcher.isSingleIndexCondition
            ids.forEach(after: after?.id) { id in
                guard let entry = deals[id] else { return true }
                guard exact || matcher.matches(entry, deal: { try? entry.decode() }) else { return true }
                if page.count <= size {
                    page.append((DealPageToken.Position(keys: [], id: id, revision: 0), entry.bytes))
                    return true
                }
                // The page is full: counting the remaining matches is needed only when the index is not exact.
                if exact { return false }
                total += 1
                return true
            }
            if exact {
                total = ids.count
            } else {
                // Matches at or before the token: counted in a pass that stops at it.
                total += page.count
                if let after {
                    ids.forEach(after: nil) { id in
                        guard id <= after.id else { return false }
                        if let entry = deals[id], matcher.matches(entry, deal: { try? entry.decode() }) { total += 1 }
                        return true
                    }
                }
            }
        } else {
            func consider(_ entry: DealIndexEntry) {
                guard matcher.matches(entry, deal: { try? entry.decode() }) else { return }
                total += 1
                let position = DealPageToken.Position(keys: ordering.keys(entry), id: entry.id, revision: 0)
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
            switch candidates {
            case .index(let ids):
                ids.forEach(after: nil) { id in
                    if let entry = deals[id] { consider(entry) }
                    return true
                }
            case .union(let ids):
                for id in ids { if let entry = deals[id] { consider(entry) } }
            case .all:
                for entry in deals.values { consider(entry) }
            }
        }
        var next = ""
        if page.count > size {
            page.removeLast()
            var position = page[page.count - 1].position
            position.revision = version.revision
            next = DealPageToken.encode(position, fingerprint: fingerprint)
            self.pinned.withLock { $0.pin(version) }
        }
        if let target = matcher.normalizeTo {
            // Listed with their amounts normalised: each deal of the page is decoded and re-encoded, the rest of
            // the listing is served from the stored bytes as without normalize_to.
            let table = self.fxTable
            let deals = try page.map { item throws(DealStoreError) -> [UInt8] in
                let deal = Self.normalized(try Self.decodeDeal(item.bytes), to: target, table: table)
                do { return try deal.serializedBytes() } catch {
                    throw DealStoreError(code: .internal, message: "a normalised deal does not encode", cause: error)
                }
            }
            return (deals, next, total, version.revision)
        }
        return (page.map(\.bytes), next, total, version.revision)
    }

    static func decodeDeal(_ bytes: [UInt8]) throws(DealStoreError) -> Dealstore_V1_Deal {
        do {
            return try Dealstore_V1_Deal(serializedBytes: bytes)
        } catch {
            throw DealStoreError(code: .internal, message: "a stored deal does not decode", cause: error)
        }
    }

    /// The entries of `version` matching `matcher` (off every lock), for the aggregate queries.
    static func matching(_ matcher: DealFilterMatcher, in version: DealVersion) -> [DealIndexEntry] {
        var entries: [DealIndexEntry] = []
        let deals = version.deals
        func consider(_ entry: DealIndexEntry) {
            if matcher.matches(entry, deal: { try? entry.decode() }) { entries.append(entry) }
        }
        switch matcher.candidates(version) {
        case .index(let ids):
            ids.forEach(after: nil) { id in
                if let entry = deals[id] { consider(entry) }
                return true
            }
        case .union(let ids):
            for id in ids { if let entry = deals[id] { consider(entry) } }
        case .all:
            for entry in deals.values { consider(entry) }
        }
        return entries
    }

    /// Committed and funded totals per currency, grouped by investor, target, year, quarter, deal type, or the
    /// target's industry or country (see ``contextSummary(_:filter:version:)``).
    ///
    /// Committed sums the participations' committed amounts; funded sums tranches with status FUNDED; cancelled
    /// deals are excluded. Keys are organization ids, `"2023"`, `"2023-Q4"` (`"2023-Q?"` when only the year is
    /// known, `"unknown"` without a date), the DealType name, an industry slug or a country code. Year and quarter groups come in time order; the
    /// others largest committed USD total first (then largest in any currency), then by key.
    public func summarize(
        groupBy: Dealstore_V1_SummaryGrouping,
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter()
    ) throws(DealStoreError) -> [Dealstore_V1_SummaryGroup] {
        if groupBy == .unspecified { throw .invalid("group_by", "is required") }
        return try self.summarizeAtRevision(groupBy: groupBy, filter: filter).groups
    }

    /// ``summarize(groupBy:filter:)`` with the revision it was computed at.
    ///
    /// Unfiltered, it reads the per-group totals every write keeps up to date (``DealSummaryIndex``): a few
    /// hundred groups, whatever the number of deals. Filtered, it sums the matching deals of one version, off every
    /// lock, so writers never wait for it.
    public func summarizeAtRevision(
        groupBy: Dealstore_V1_SummaryGrouping,
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter()
    ) throws(DealStoreError) -> (groups: [Dealstore_V1_SummaryGroup], revision: UInt64) {
        if groupBy == .unspecified { throw .invalid("group_by", "is required") }
        let version = self.version
        if groupBy == .industry || groupBy == .country {
            return (
                try Self.contextSummary(groupBy, filter: filter, version: version, table: self.fxTable),
                version.revision
            )
        }
        let grouping: Dealstore_V1_SummaryGrouping =
            switch groupBy {
            case .investor, .target, .year, .quarter: groupBy
            default: .dealType
            }
        if filter == Dealstore_V1_DealFilter() {
            let groups = version.summaries.groups(grouping)
            return (Self.summaryGroups(groups, grouping: grouping, version: version), version.revision)
        }
        let matcher = try DealFilterMatcher(filter, version: version, fxTable: self.fxTable)
        // A fresh accumulation only this call holds: plain dictionaries, updated in place.
        var index = DealSummaryMaps<[String: DealGroupTotals]>()
        let entries = Self.matching(matcher, in: version)
        for entry in entries { index.add(entry, sign: 1, only: grouping) }
        var groups = Self.summaryGroups(index.groups(grouping), grouping: grouping, version: version)
        if let target = matcher.normalizeTo {
            groups = Self.normalizing(groups, entries: entries, grouping: grouping, to: target, table: self.fxTable)
        }
        return (groups, version.revision)
    }

    /// `groups` with each group's totals converted into `currency` (``DealNormalizedTotals``), each contribution
    /// at its deal's date; time groups stay in time order, the others come largest normalised committed total first,
    /// then by key.
    static func normalizing(
        _ groups: [Dealstore_V1_SummaryGroup],
        entries: [DealIndexEntry],
        grouping: Dealstore_V1_SummaryGrouping,
        to currency: String,
        table: DealFXTable,
        organizations: [String: Dealstore_V1_Organization] = [:]
    ) -> [Dealstore_V1_SummaryGroup] {
        // Industry and country groups come from the target's organization (`organizations`, of the same version).
        let context = grouping == .industry || grouping == .country
        var totals: [String: DealNormalizedTotals] = [:]
        var cache: [String: DealFXTable.Lookup] = [:]
        let source = table.sourceLabel
        for entry in entries where entry.status != Dealstore_V1_DealStatus.cancelled.rawValue {
            let window = table.window(of: entry, deal: { try? entry.decode() })
            func lookup(_ from: String) -> DealFXTable.Lookup {
                if from == currency { return .sameCurrency }
                guard let window else { return .unknown("no date") }
                let key = "\(from)/\(window.first)/\(window.last)/\(window.exactDay)"
                if let cached = cache[key] { return cached }
                let found = table.lookup(
                    from: from,
                    to: currency,
                    first: window.first,
                    last: window.last,
                    exactDay: window.exactDay
                )
                cache[key] = found
                return found
            }
            let fixedKeys: [String]? =
                switch grouping {
                case .investor: nil
                case .target: [entry.targetID]
                case .year: [DealSummaryIndex.yearKey(entry)]
                case .quarter: [DealSummaryIndex.quarterKey(entry)]
                default:
                    context
                        ? Self.contextKeys(of: organizations[entry.targetID], grouping)
                        : [Self.dealTypeName(entry.type)]
                }
            for contribution in entry.contributions {
                let conversion = lookup(contribution.currency)
                for key in fixedKeys ?? [contribution.investorID] {
                    totals[key, default: DealNormalizedTotals()].add(contribution, lookup: conversion, source: source)
                }
            }
        }
        var result = groups.map { group in
            var group = group
            group.normalized = (totals[group.key] ?? DealNormalizedTotals()).message(currency: currency)
            return group
        }
        if grouping != .year && grouping != .quarter {
            let weight = Dictionary(uniqueKeysWithValues: result.map { ($0.key, totals[$0.key]?.committed ?? 0) })
            result.sort { a, b in
                let (x, y) = (weight[a.key] ?? 0, weight[b.key] ?? 0)
                return x != y ? x > y : a.key < b.key
            }
        }
        return result
    }

    /// The answer of a summary from its group totals: time groups in time order, the others largest committed
    /// USD total first (then largest in any currency), then by key.
    static func summaryGroups<Groups: Sequence>(
        _ groups: Groups,
        grouping groupBy: Dealstore_V1_SummaryGrouping,
        version: DealVersion
    ) -> [Dealstore_V1_SummaryGroup] where Groups.Element == (key: String, value: DealGroupTotals) {
        // Time groups read best in time order; the others largest first (USD, then any currency), then by key.
        // Each group's weights are computed once, not in every comparison of the sort.
        let chronological = groupBy == .year || groupBy == .quarter
        var rows: [(key: String, totals: DealGroupTotals, usd: Int128, any: Int128)] = []
        rows.reserveCapacity(groups.underestimatedCount)
        for (key, totals) in groups {
            let usd = totals.currencies.first { $0.currency == "USD" }?.committed ?? 0
            rows.append((key, totals, usd, totals.currencies.map(\.committed).max() ?? 0))
        }
        rows.sort { a, b in
            if chronological { return a.key < b.key }
            if a.usd != b.usd { return a.usd > b.usd }
            if a.any != b.any { return a.any > b.any }
            return a.key < b.key
        }
        return rows.map { row in
            let key = row.key
            var group = Dealstore_V1_SummaryGroup()
            group.key = key
            group.label =
                (groupBy == .investor || groupBy == .target) ? (version.organizations[key]?.name ?? key) : key
            group.dealCount = UInt64(row.totals.dealCount)
            group.totals = row.totals.currencies.sorted { $0.currency < $1.currency }.map { sums in
                let currency = sums.currency
                var total = Dealstore_V1_CurrencyTotal()
                total.currencyCode = currency
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

    static func dealTypeName(_ raw: Int) -> String {
        let names = [
            "DEAL_TYPE_UNSPECIFIED", "DEAL_TYPE_SEED", "DEAL_TYPE_VENTURE", "DEAL_TYPE_CORPORATE_STRATEGIC",
            "DEAL_TYPE_CONVERTIBLE_NOTE", "DEAL_TYPE_DEBT", "DEAL_TYPE_ACQUISITION", "DEAL_TYPE_SECONDARY",
            "DEAL_TYPE_GRANT", "DEAL_TYPE_OTHER",
        ]
        return names.indices.contains(raw) ? names[raw] : "DEAL_TYPE_\(raw)"
    }

    /// The `limit` largest deals by headline amount (ties by id), in `currencyCode` when given.
    ///
    /// With `filter.normalize_to`, every deal's headline amount is converted into that currency at the deal's
    /// date and ranked by the converted amount, whatever its native currency (`currencyCode` is then ignored); the
    /// deals carry their normalised amounts, and deals whose amount cannot be converted are not ranked.
    public func topDeals(
        limit: Int = 10,
        currencyCode: String = "",
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter()
    ) throws(DealStoreError) -> [Dealstore_V1_Deal] {
        if !filter.normalizeTo.isEmpty {
            return try self.topNormalizedDeals(limit: max(1, min(limit, 1000)), filter: filter)
        }
        var filter = filter
        if !currencyCode.isEmpty { filter.currencyCode = currencyCode }
        return try self.listDeals(filter: filter, orderBy: "amount desc, id", pageSize: max(1, limit)).deals
    }

    /// ``topDeals(limit:currencyCode:filter:)`` ranked by amounts converted into `filter.normalize_to`.
    func topNormalizedDeals(limit: Int, filter: Dealstore_V1_DealFilter) throws(DealStoreError) -> [Dealstore_V1_Deal] {
        let version = self.version
        let matcher = try DealFilterMatcher(filter, version: version, fxTable: self.fxTable)
        let target = filter.normalizeTo
        let table = self.fxTable
        var ranked: [(nanos: Int128, entry: DealIndexEntry)] = []
        for entry in Self.matching(matcher, in: version) where entry.hasAmount {
            guard let nanos = table.convertedAmount(of: entry, to: target, deal: { try? entry.decode() }) else {
                continue
            }
            ranked.append((nanos, entry))
        }
        ranked.sort { $0.nanos != $1.nanos ? $0.nanos > $1.nanos : $0.entry.id < $1.entry.id }
        return try ranked.prefix(limit).map { item throws(DealStoreError) in
            Self.normalized(try Self.decodeDeal(item.entry.bytes), to: target, table: table)
        }
    }

    /// Organizations that invested in the same targets as `investor` (an id, name or alias), by id.
    public func coInvestors(of investor: String) throws(DealStoreError) -> [Dealstore_V1_CoInvestor] {
        try Self.coInvestors(of: investor, in: self.version)
    }

    static func coInvestors(
        of investor: String,
        in state: DealVersion
    ) throws(DealStoreError) -> [Dealstore_V1_CoInvestor] {
        do {
            guard let id = state.resolveOrganization(investor) else {
                throw DealStoreError(code: .notFound, message: "organization '\(investor)' not found")
            }
            var targets: Set<String> = []
            for dealID in (state.dealsByInvestor[id] ?? DealSortedIDs()).all {
                if let entry = state.deals[dealID] { targets.insert(entry.targetID) }
            }
            var found: [String: (targets: Set<String>, deals: Set<String>)] = [:]
            for target in targets {
                for dealID in (state.dealsByTarget[target] ?? DealSortedIDs()).all {
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
        try Self.timeline(of: organization, in: self.version)
    }

    static func timeline(
        of organization: String,
        in state: DealVersion
    ) throws(DealStoreError) -> Dealstore_V1_Timeline {
        guard let id = state.resolveOrganization(organization) else {
            throw DealStoreError(code: .notFound, message: "organization '\(organization)' not found")
        }
        let ids = Set((state.dealsByTarget[id] ?? DealSortedIDs()).all).union(
            (state.dealsByInvestor[id] ?? DealSortedIDs()).all
        )
        let entries = ids.compactMap { state.deals[$0] }
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
            for exit in Self.exitEvents(of: deal) { event(exit.date, exit.kind, deal, exit.text, exit.amount) }
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
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> (conflicts: [Dealstore_V1_Conflict], nextPageToken: String) {
        try Self.conflicts(dealID: dealID, pageSize: pageSize, pageToken: pageToken, in: self.version)
    }

    static func conflicts(
        dealID: String,
        pageSize: Int,
        pageToken: String,
        in state: DealVersion
    ) throws(DealStoreError) -> (conflicts: [Dealstore_V1_Conflict], nextPageToken: String) {
        let after = try DealPageToken.decodeSimple(pageToken, scope: "conflicts")
        let size = DealPageSize.clamped(pageSize)
        let candidates = try { () throws(DealStoreError) -> [DealIndexEntry] in
            if !dealID.isEmpty {
                guard let entry = state.deals[dealID] else {
                    throw DealStoreError(code: .notFound, message: "deal '\(dealID)' not found")
                }
                return [entry]
            }
            return state.deals.values.filter { $0.claimCount > 0 }
        }().sorted { $0.id < $1.id }
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
