import DealModel
import HashTreeCollections
import SwiftProtobuf

/// A `Dealstore_V1_DealFilter` with its organization names resolved to ids and its dates and amounts turned into
/// the index entry's representation, so most checks never decode a deal.
struct DealFilterMatcher: Sendable {
    var investorIDs: Set<String> = []
    var targetID: String?
    var leadID: String?
    var types: Set<Int> = []
    var statuses: Set<Int> = []
    var announcedFrom: Int32?
    var announcedTo: Int32?
    var minAmount: Int128?
    var maxAmount: Int128?
    var amountCurrency: String?
    /// `normalize_to`: the bounds are in this currency and compare each deal's converted headline amount.
    var normalizeTo: String?
    /// The rates `normalizeTo` converts with.
    var fxTable: DealFXTable?
    var strategicTerm: String?
    var strategicTermKind: Dealstore_V1_StrategicTermKind?
    var query: String?
    /// Organizations whose name, id or alias contains `query`.
    var queryOrganizations: Set<String> = []
    /// The filter's canonical bytes (for page tokens).
    var fingerprint: UInt32

    /// Resolves `filter` against `version`; `fxTable` is the store's (the bundled table when nil) for `normalize_to`.
    init(
        _ filter: Dealstore_V1_DealFilter,
        version: DealVersion,
        fxTable: DealFXTable? = nil
    ) throws(DealStoreError) {
        func resolve(_ key: String, _ field: String) throws(DealStoreError) -> String {
            guard let id = version.resolveOrganization(key) else {
                throw .invalid("filter.\(field)", "unknown organization '\(key)' (not an id, name or alias)")
            }
            return id
        }
        for (index, key) in filter.investorIds.enumerated() {
            self.investorIDs.insert(try resolve(key, "investor_ids[\(index)]"))
        }
        if !filter.targetID.isEmpty { self.targetID = try resolve(filter.targetID, "target_id") }
        if !filter.leadInvestorID.isEmpty { self.leadID = try resolve(filter.leadInvestorID, "lead_investor_id") }
        self.types = Set(filter.types.map(\.rawValue))
        self.statuses = Set(filter.statuses.map(\.rawValue))
        if filter.hasAnnouncedFrom {
            try DealValidator.checkDate(filter.announcedFrom, field: "filter.announced_from")
            self.announcedFrom = filter.announcedFrom.dayRange.start
        }
        if filter.hasAnnouncedTo {
            try DealValidator.checkDate(filter.announcedTo, field: "filter.announced_to")
            self.announcedTo = filter.announcedTo.dayRange.end
        }
        var currency: String?
        if !filter.currencyCode.isEmpty {
            if !DealCurrency.isKnown(filter.currencyCode) {
                throw .invalid("filter.currency_code", "unknown currency '\(filter.currencyCode)'")
            }
            currency = filter.currencyCode
        }
        if !filter.normalizeTo.isEmpty {
            guard DealCurrency.isKnown(filter.normalizeTo) else {
                throw .invalid(
                    "filter.normalize_to",
                    "unknown currency '\(filter.normalizeTo)'; give an ISO 4217 code in upper case, e.g. USD or EUR"
                )
            }
            self.normalizeTo = filter.normalizeTo
            if let fxTable { self.fxTable = fxTable } else { self.fxTable = try DealFXRates.bundledTable() }
        }
        for (money, field) in [(filter.minAmount, "min_amount"), (filter.maxAmount, "max_amount")]
        where money.currencyCode != "" || money.units != 0 || money.nanos != 0 {
            if let target = self.normalizeTo {
                // Bounds in the normalisation currency: an empty currency is that currency.
                var money = money
                if money.currencyCode.isEmpty { money.currencyCode = target }
                try DealValidator.checkMoney(money, field: "filter.\(field)")
                if money.currencyCode != target {
                    throw .invalid(
                        "filter.\(field).currency_code",
                        "is \(money.currencyCode) but normalize_to is \(target); give the bound in \(target)"
                    )
                }
                if field == "min_amount" {
                    self.minAmount = money.totalNanos
                } else {
                    self.maxAmount = money.totalNanos
                }
                continue
            }
            try DealValidator.checkMoney(money, field: "filter.\(field)")
            if let existing = currency, existing != money.currencyCode {
                throw .invalid("filter.\(field).currency_code", "must match the filter's other currency \(existing)")
            }
            currency = money.currencyCode
            if field == "min_amount" { self.minAmount = money.totalNanos } else { self.maxAmount = money.totalNanos }
        }
        self.amountCurrency = currency
        if !filter.strategicTerm.isEmpty { self.strategicTerm = filter.strategicTerm.lowercased() }
        if filter.strategicTermKind != .unspecified { self.strategicTermKind = filter.strategicTermKind }
        if !filter.query.isEmpty {
            // Searched as a substring of every candidate's title and notes: its cost grows with its length.
            guard filter.query.utf8.count <= Self.maximumQueryBytes else {
                throw .invalid(
                    "filter.query",
                    "is \(filter.query.utf8.count) bytes; search with at most \(Self.maximumQueryBytes) (a name or a few words)"
                )
            }
            let query = filter.query.lowercased()
            self.query = query
            for (id, organization) in version.organizations
            where DealStoreState.lookupKeys(of: organization).contains(where: { $0.contains(query) }) {
                self.queryOrganizations.insert(id)
            }
        }
        self.fingerprint = Self.fingerprint(filter)
    }

    /// Longest `filter.query`, in UTF-8 bytes.
    static let maximumQueryBytes = 256

    /// The CRC-32C of the filter's bytes (page tokens carry it, so a token is not reused with another filter).
    static func fingerprint(_ filter: Dealstore_V1_DealFilter) -> UInt32 {
        let bytes: [UInt8] = (try? filter.serializedBytes()) ?? []
        return DealCRC32C.checksum(bytes)
    }

    var needsDecode: Bool { self.strategicTerm != nil || self.strategicTermKind != nil || self.query != nil }

    /// Whether the filter is exactly one index condition (one target or one investor, nothing else), so that the
    /// index's cardinality is the number of matches.
    var isSingleIndexCondition: Bool {
        let indexed = (self.targetID != nil ? 1 : 0) + self.investorIDs.count
        return indexed == 1 && self.leadID == nil && self.types.isEmpty && self.statuses.isEmpty
            && self.announcedFrom == nil && self.announcedTo == nil && self.amountCurrency == nil
            && self.minAmount == nil && self.maxAmount == nil && !self.needsDecode
    }

    /// Where the matches are among the deals of a version: one ordered index (the narrowest that serves the
    /// filter), the union of several investors' indexes, or every deal.
    enum Candidates {
        case index(DealSortedIDs)
        case union(Set<String>)
        case all
    }

    /// The narrowest index-served candidates.
    func candidates(_ version: DealVersion) -> Candidates {
        var best: DealSortedIDs?
        func consider(_ ids: DealSortedIDs) {
            if best == nil || ids.count < best!.count { best = ids }
        }
        if let target = self.targetID { consider(version.dealsByTarget[target] ?? DealSortedIDs()) }
        if let lead = self.leadID { consider(version.dealsByInvestor[lead] ?? DealSortedIDs()) }
        if self.investorIDs.count == 1 {
            consider(version.dealsByInvestor[self.investorIDs.first!] ?? DealSortedIDs())
        } else if !self.investorIDs.isEmpty {
            let sets = self.investorIDs.map { version.dealsByInvestor[$0] ?? DealSortedIDs() }
            let size = sets.reduce(0) { $0 + $1.count }
            if let best, best.count <= size { return .index(best) }
            var union = Set<String>(minimumCapacity: size)
            for ids in sets {
                ids.forEach(after: nil) { id in
                    union.insert(id)
                    return true
                }
            }
            return .union(union)
        }
        return best.map { .index($0) } ?? .all
    }

    /// Whether the entry matches; `deal` is decoded only when the filter needs it.
    func matches(_ entry: DealIndexEntry, deal: () -> Dealstore_V1_Deal?) -> Bool {
        if let target = self.targetID, entry.targetID != target { return false }
        if let lead = self.leadID, !entry.isLead(lead) { return false }
        if !self.investorIDs.isEmpty && !entry.investorIDs.contains(where: { self.investorIDs.contains($0) }) {
            return false
        }
        if !self.types.isEmpty && !self.types.contains(entry.type) { return false }
        if !self.statuses.isEmpty && !self.statuses.contains(entry.status) { return false }
        if let from = self.announcedFrom, entry.announcedStart == 0 || entry.announcedEnd < from { return false }
        if let to = self.announcedTo, entry.announcedStart == 0 || entry.announcedStart > to { return false }
        if let currency = self.amountCurrency, !entry.hasAmount || entry.amountCurrency != currency { return false }
        if let target = self.normalizeTo, let table = self.fxTable {
            if self.minAmount != nil || self.maxAmount != nil {
                // Compared in the normalisation currency; an amount that cannot be converted meets no bound.
                guard entry.hasAmount, let nanos = table.convertedAmount(of: entry, to: target, deal: deal) else {
                    return false
                }
                if let minimum = self.minAmount, nanos < minimum { return false }
                if let maximum = self.maxAmount, nanos > maximum { return false }
            }
        } else {
            if let minimum = self.minAmount, entry.amountNanos < minimum { return false }
            if let maximum = self.maxAmount, entry.amountNanos > maximum { return false }
        }
        guard self.needsDecode else { return true }
        guard let deal = deal() else { return false }
        if self.strategicTerm != nil || self.strategicTermKind != nil {
            let found = deal.strategicTerms.contains { term in
                (self.strategicTerm.map { term.value.lowercased() == $0 } ?? true)
                    && (self.strategicTermKind.map { term.kind == $0 } ?? true)
            }
            if !found { return false }
        }
        if let query = self.query {
            let inOrganizations =
                self.queryOrganizations.contains(entry.targetID)
                || entry.investorIDs.contains(where: { self.queryOrganizations.contains($0) })
            if !inOrganizations && !deal.title.lowercased().contains(query) && !deal.notes.lowercased().contains(query)
            {
                return false
            }
        }
        return true
    }

    /// Whether a change event passes the filter (organization events never do).
    func matches(event: Dealstore_V1_ChangeEvent) -> Bool {
        guard case .deal(let deal) = event.record.record else { return false }
        let entry = DealIndexEntry(deal: deal, bytes: [])
        return self.matches(entry, deal: { deal })
    }
}
