public import DealModel
import Foundation
import HashTreeCollections

/// Queries over sources and claims (issue 18 part 6): everything one publisher reported, and claims on
/// organizations or with a status.
extension DealStore {
    /// Every citation of a source whose publisher is `publisher` (case-insensitively, surrounding spaces ignored),
    /// of the catalog source `catalogID`, and, when given, whose id in its record is `sourceID`: organizations
    /// first, then deals, each in id order, then the record's sources in order. Each report says what in the record
    /// rests on the source.
    ///
    /// With a publisher or a catalog id, an index lookup on one version, off the lock (the source catalog,
    /// ``DealSourceIndex``): the cost is the page's records, not the store's. With only `sourceID` (an id local to
    /// each record), a scan of every record.
    public func sourceReports(
        publisher: String,
        sourceID: String = "",
        catalogID: String = "",
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> (reports: [Dealstore_V1_SourceReport], nextPageToken: String, revision: UInt64) {
        let wanted = DealSourceCatalog.publisherKey(publisher)
        if wanted.isEmpty && sourceID.isEmpty && catalogID.isEmpty {
            throw .invalid(
                "publisher",
                "is required (or catalog_id, or source_id): name the publisher, e.g. \"Financial Times\""
            )
        }
        let after = try DealPageToken.decodeSimple(pageToken, scope: "sources")
        let size = DealPageSize.clamped(pageSize)
        let version = self.version
        if wanted.isEmpty && catalogID.isEmpty {
            return try Self.scanSourceReports(sourceID: sourceID, after: after, size: size, in: version)
        }
        let keys =
            wanted.isEmpty
            ? version.sources.entry(catalogID: catalogID)?.citations
            : version.sources.citationsByPublisher[wanted].map(DealCitationSet.many)
        var reports: [Dealstore_V1_SourceReport] = []
        var next = ""
        var failure: DealStoreError?
        var cache = DealReportCache()
        keys?.forEach(after: after) { key in
            if !sourceID.isEmpty && !key.hasSuffix("/" + sourceID) { return true }
            do throws(DealStoreError) {
                guard let report = try cache.report(key: key, in: version) else { return true }
                if !catalogID.isEmpty && report.catalogID != catalogID { return true }
                if reports.count == size {
                    next = DealPageToken.encodeSimple(Self.reportKey(reports[size - 1]), scope: "sources")
                    return false
                }
                reports.append(report)
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return (reports, next, version.revision)
    }

    /// The sources of the store's catalog in id order: every one, or those cited with `publisher` at least once.
    /// An index lookup; each source's descriptive fields are read from its first citation.
    public func catalogSources(
        publisher: String = "",
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> (sources: [Dealstore_V1_CatalogSource], nextPageToken: String, revision: UInt64) {
        let token = try DealPageToken.decodeSimple(pageToken, scope: "catalog")
        let after = token.flatMap(DealSourceCatalog.hash(ofCatalogID:))
        if token != nil && after == nil { throw DealPageToken.malformed }
        let size = DealPageSize.clamped(pageSize)
        let version = self.version
        let wanted = DealSourceCatalog.publisherKey(publisher)
        let ids = wanted.isEmpty ? version.sources.catalogIDs : version.sources.sourcesByPublisher[wanted]
        var sources: [Dealstore_V1_CatalogSource] = []
        var next = ""
        var failure: DealStoreError?
        var cache = DealReportCache()
        ids?.forEach(after: after) { hash in
            let id = DealSourceCatalog.catalogID(hash: hash)
            if sources.count == size {
                next = DealPageToken.encodeSimple(sources[size - 1].id, scope: "catalog")
                return false
            }
            do throws(DealStoreError) {
                if let source = try Self.catalogSource(id: id, in: version, cache: &cache) { sources.append(source) }
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return (sources, next, version.revision)
    }

    /// One source of the catalog by its id (``Dealstore_V1_CatalogSource/id``, ``Dealstore_V1_SourceReport/catalogID``).
    public func catalogSource(
        id: String
    ) throws(DealStoreError) -> (source: Dealstore_V1_CatalogSource, revision: UInt64) {
        if id.isEmpty { throw .invalid("id", "is required: a catalog source id such as src-0123456789abcdef") }
        var cache = DealReportCache()
        let version = self.version
        guard let source = try Self.catalogSource(id: id, in: version, cache: &cache) else {
            throw DealStoreError(
                code: .notFound,
                message: "source '\(id)' is not in the catalog: no record cites it (list them with ListSources)"
            )
        }
        return (source, version.revision)
    }

    static func catalogSource(
        id: String,
        in version: DealVersion,
        cache: inout DealReportCache
    ) throws(DealStoreError) -> Dealstore_V1_CatalogSource? {
        guard let entry = version.sources.entry(catalogID: id) else { return nil }
        var first: String?
        entry.citations.forEach(after: nil) { key in
            first = key
            return false
        }
        guard let first, let report = try cache.report(key: first, in: version) else { return nil }
        var source = Dealstore_V1_CatalogSource()
        source.id = id
        source.publisher = report.source.publisher
        source.url = report.source.url
        source.title = report.source.title
        if report.source.hasPublished { source.published = report.source.published }
        source.language = report.source.language
        source.citationCount = UInt32(clamping: entry.citations.count)
        source.publishers = entry.publishers.map(\.key)
        return source
    }

    /// One citation's report, from its report key (``DealSourceIndex``).
    static func report(
        key: String,
        organization: Dealstore_V1_Organization?,
        deal: Dealstore_V1_Deal?
    ) -> Dealstore_V1_SourceReport? {
        guard let slash = key.lastIndex(of: "/") else { return nil }
        let sourceID = String(key[key.index(after: slash)...])
        var report = Dealstore_V1_SourceReport()
        if let organization {
            guard let source = organization.sources.first(where: { $0.id == sourceID }) else { return nil }
            report.organizationID = organization.id
            report.organizationName = organization.name
            report.source = source
            report.items = Self.items(citing: source, in: organization)
            report.claimIds = organization.disputedClaims.filter { $0.sourceID == source.id }.map(\.id)
        } else if let deal {
            guard let source = deal.sources.first(where: { $0.id == sourceID }) else { return nil }
            report.dealID = deal.id
            report.dealTitle = deal.title
            report.source = source
            report.items = Self.items(citing: source, in: deal)
            report.claimIds = deal.disputedClaims.filter { $0.sourceID == source.id }.map(\.id)
        } else {
            return nil
        }
        report.catalogID = DealSourceCatalog.catalogID(of: report.source)
        return report
    }

    /// ``sourceReports(publisher:sourceID:catalogID:pageSize:pageToken:)`` by a record-local source id alone: a scan.
    static func scanSourceReports(
        sourceID: String,
        after: String?,
        size: Int,
        in version: DealVersion
    ) throws(DealStoreError) -> (reports: [Dealstore_V1_SourceReport], nextPageToken: String, revision: UInt64) {
        var reports: [Dealstore_V1_SourceReport] = []
        func add(_ report: Dealstore_V1_SourceReport?) -> String? {
            guard let report else { return nil }
            if let after, Self.reportKey(report) <= after { return nil }
            if reports.count == size {
                return DealPageToken.encodeSimple(Self.reportKey(reports[size - 1]), scope: "sources")
            }
            reports.append(report)
            return nil
        }
        for id in version.organizations.keys.sorted() {
            guard let organization = version.organizations[id],
                organization.sources.contains(where: { $0.id == sourceID })
            else { continue }
            let key = DealSourceIndex.key(record: DealSourceIndex.organizationRecord(id), source: sourceID)
            if let next = add(Self.report(key: key, organization: organization, deal: nil)) {
                return (reports, next, version.revision)
            }
        }
        for entry in version.deals.values.sorted(by: { $0.id < $1.id }) {
            let deal = try Self.decodeDeal(entry.bytes)
            guard deal.sources.contains(where: { $0.id == sourceID }) else { continue }
            let key = DealSourceIndex.key(record: DealSourceIndex.dealRecord(deal.id), source: sourceID)
            if let next = add(Self.report(key: key, organization: nil, deal: deal)) {
                return (reports, next, version.revision)
            }
        }
        return (reports, "", version.revision)
    }

    /// The page-token key of a report: organizations ("o/") sort before deals ("~/").
    static func reportKey(_ report: Dealstore_V1_SourceReport) -> String {
        report.dealID.isEmpty
            ? "o/\(report.organizationID)/\(report.source.id)" : "~/\(report.dealID)/\(report.source.id)"
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

/// The record last decoded while reading consecutive report keys (a deal's citations are adjacent in key order):
/// a deal citing several sources of one page is decoded once.
struct DealReportCache {
    private var deal: Dealstore_V1_Deal?

    mutating func report(key: String, in version: DealVersion) throws(DealStoreError) -> Dealstore_V1_SourceReport? {
        guard let slash = key.lastIndex(of: "/"), key.count > 2 else { return nil }
        let id = String(key[key.index(key.startIndex, offsetBy: 2)..<slash])
        if key.hasPrefix("o/") {
            guard let organization = version.organizations[id] else { return nil }
            return DealStore.report(key: key, organization: organization, deal: nil)
        }
        if self.deal?.id != id {
            guard let entry = version.deals[id] else { return nil }
            self.deal = try DealStore.decodeDeal(entry.bytes)
        }
        return DealStore.report(key: key, organization: nil, deal: self.deal)
    }
}
