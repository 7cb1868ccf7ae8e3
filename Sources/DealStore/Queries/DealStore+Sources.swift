public import DealModel
import Foundation
import HashTreeCollections

/// Queries over sources and claims (issue 18 part 6): everything one publisher reported, and claims on
/// organizations or with a status.
extension DealStore {
    /// Every citation of a source whose publisher is `publisher` (case-insensitively, surrounding spaces ignored)
    /// and, when given, whose id is `sourceID`: organizations first, then deals, each in id order, then the
    /// record's sources in order. Each report says what in the record rests on the source.
    ///
    /// A scan of every record (each deal decoded), off the lock on one version: no index by publisher is kept
    /// yet, so the cost grows with the store, not with the answer.
    public func sourceReports(
        publisher: String,
        sourceID: String = "",
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> (reports: [Dealstore_V1_SourceReport], nextPageToken: String, revision: UInt64) {
        let wanted = Self.publisherKey(publisher)
        if wanted.isEmpty && sourceID.isEmpty {
            throw .invalid("publisher", "is required (or source_id): name the publisher, e.g. \"Financial Times\"")
        }
        let after = try DealPageToken.decodeSimple(pageToken, scope: "sources")
        let size = DealPageSize.clamped(pageSize)
        let version = self.version
        func matches(_ source: Dealstore_V1_Source) -> Bool {
            (wanted.isEmpty || Self.publisherKey(source.publisher) == wanted)
                && (sourceID.isEmpty || source.id == sourceID)
        }
        var reports: [Dealstore_V1_SourceReport] = []
        var next = ""
        /// Appends a report unless it is at or before the page token; false when the page is full.
        func add(_ key: String, _ report: () -> Dealstore_V1_SourceReport) -> Bool {
            if let after, key <= after { return true }
            if reports.count == size {
                next = DealPageToken.encodeSimple(Self.reportKey(reports[size - 1]), scope: "sources")
                return false
            }
            reports.append(report())
            return true
        }
        for id in version.organizations.keys.sorted() {
            guard let organization = version.organizations[id] else { continue }
            for source in organization.sources where matches(source) {
                let full = add("o/\(organization.id)/\(source.id)") {
                    var report = Dealstore_V1_SourceReport()
                    report.organizationID = organization.id
                    report.organizationName = organization.name
                    report.source = source
                    report.items = Self.items(citing: source, in: organization)
                    report.claimIds = organization.disputedClaims.filter { $0.sourceID == source.id }.map(\.id)
                    return report
                }
                if !full { return (reports, next, version.revision) }
            }
        }
        for entry in version.deals.values.sorted(by: { $0.id < $1.id }) {
            let deal = try Self.decodeDeal(entry.bytes)
            for source in deal.sources where matches(source) {
                let full = add("~/\(deal.id)/\(source.id)") {
                    var report = Dealstore_V1_SourceReport()
                    report.dealID = deal.id
                    report.dealTitle = deal.title
                    report.source = source
                    report.items = Self.items(citing: source, in: deal)
                    report.claimIds = deal.disputedClaims.filter { $0.sourceID == source.id }.map(\.id)
                    return report
                }
                if !full { return (reports, next, version.revision) }
            }
        }
        return (reports, next, version.revision)
    }

    /// The page-token key of a report: organizations ("o/") sort before deals ("~/").
    static func reportKey(_ report: Dealstore_V1_SourceReport) -> String {
        report.dealID.isEmpty
            ? "o/\(report.organizationID)/\(report.source.id)" : "~/\(report.dealID)/\(report.source.id)"
    }

    /// A publisher as compared: lower case, surrounding white space removed.
    static func publisherKey(_ publisher: String) -> String {
        publisher.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// What in a deal names `source` in its `source_ids` or cites one of its excerpts, as field paths.
    static func items(citing source: Dealstore_V1_Source, in deal: Dealstore_V1_Deal) -> [String] {
        let excerpts = Set(source.excerpts.map(\.id))
        func cites(_ ids: [String], _ evidence: [Dealstore_V1_Evidence]) -> Bool {
            ids.contains(source.id) || evidence.contains { $0.excerptIds.contains(where: excerpts.contains) }
        }
        var items: [String] = []
        if cites([], deal.evidence) { items.append("evidence") }
        for item in deal.participations where cites(item.sourceIds, item.evidence) {
            items.append("participations[\(item.id.isEmpty ? item.investorID : item.id)]")
        }
        for item in deal.tranches where cites(item.sourceIds, item.evidence) { items.append("tranches[\(item.id)]") }
        for item in deal.options where cites(item.sourceIds, item.evidence) { items.append("options[\(item.id)]") }
        for (index, item) in deal.valuations.enumerated() where cites(item.sourceIds, item.evidence) {
            items.append("valuations[\(index)]")
        }
        for (index, item) in deal.strategicTerms.enumerated() where cites(item.sourceIds, item.evidence) {
            items.append("strategic_terms[\(index)]")
        }
        return items
    }

    /// What in an organization names `source` or cites its excerpts: facts and affiliations.
    static func items(citing source: Dealstore_V1_Source, in organization: Dealstore_V1_Organization) -> [String] {
        let excerpts = Set(source.excerpts.map(\.id))
        var items: [String] = []
        for fact in organization.facts
        where fact.sourceIds.contains(source.id)
            || fact.evidence.contains(where: { $0.excerptIds.contains(where: excerpts.contains) })
        {
            items.append("facts[\(fact.id)]")
        }
        for (index, affiliation) in organization.affiliations.enumerated()
        where affiliation.sourceIds.contains(source.id) {
            items.append("affiliations[\(index)]")
        }
        return items
    }

    /// Disputed claims like ``conflicts(dealID:pageSize:pageToken:)``, restricted to a status (OPEN matches
    /// untyped claims, which are open; `.unspecified`: all), or an organization's claims when `organizationID`
    /// is set (an id, name or alias).
    public func conflicts(
        dealID: String = "",
        organizationID: String,
        status: Dealstore_V1_ClaimStatus,
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> (conflicts: [Dealstore_V1_Conflict], nextPageToken: String, revision: UInt64) {
        func kept(_ claim: Dealstore_V1_DisputedClaim) -> Bool {
            switch status {
            case .unspecified: true
            case .open: claim.status == .open || claim.status == .unspecified
            default: claim.status == status
            }
        }
        let version = self.version
        if organizationID.isEmpty {
            if status == .unspecified {
                let page = try Self.conflicts(dealID: dealID, pageSize: pageSize, pageToken: pageToken, in: version)
                return (page.conflicts, page.nextPageToken, version.revision)
            }
            // Filtered page by page: the token names the last claim returned, so pages continue after it.
            var token = pageToken
            var collected: [Dealstore_V1_Conflict] = []
            let size = DealPageSize.clamped(pageSize)
            while true {
                let page = try Self.conflicts(dealID: dealID, pageSize: size, pageToken: token, in: version)
                for conflict in page.conflicts where kept(conflict.claim) {
                    collected.append(conflict)
                    if collected.count == size {
                        let last = DealPageToken.encodeSimple(
                            conflict.dealID + "/" + conflict.claim.id,
                            scope: "conflicts"
                        )
                        return (collected, last, version.revision)
                    }
                }
                if page.nextPageToken.isEmpty { return (collected, "", version.revision) }
                token = page.nextPageToken
            }
        }
        if !dealID.isEmpty {
            throw .invalid("organization_id", "give deal_id or organization_id, not both")
        }
        let resolved =
            version.organizations[organizationID] != nil
            ? organizationID : version.organizationLookup[organizationID.lowercased()]
        guard let id = resolved, let organization = version.organizations[id] else {
            throw DealStoreError(code: .notFound, message: "organization '\(organizationID)' not found")
        }
        let after = try DealPageToken.decodeSimple(pageToken, scope: "organization-conflicts")
        let size = DealPageSize.clamped(pageSize)
        var claims = organization.disputedClaims.filter(kept)[...]
        if let after, let index = claims.firstIndex(where: { $0.id == after }) { claims = claims[(index + 1)...] }
        var conflicts: [Dealstore_V1_Conflict] = []
        for claim in claims {
            if conflicts.count == size {
                let last = DealPageToken.encodeSimple(conflicts[size - 1].claim.id, scope: "organization-conflicts")
                return (conflicts, last, version.revision)
            }
            var conflict = Dealstore_V1_Conflict()
            conflict.organizationID = organization.id
            conflict.organizationName = organization.name
            conflict.claim = claim
            if let source = organization.sources.first(where: { $0.id == claim.sourceID }) { conflict.source = source }
            conflicts.append(conflict)
        }
        return (conflicts, "", version.revision)
    }
}
