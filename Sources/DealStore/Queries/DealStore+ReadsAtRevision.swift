public import DealModel

/// Reads that also say the revision they were served at: each takes one published version and answers from it,
/// so the revision is exactly that of the answer (a server sends it to clients, see PROTOCOL.md "Consistency").
extension DealStore {
    /// ``organization(id:)`` with the revision of the version it was read from.
    public func organizationAtRevision(
        id key: String
    ) throws(DealStoreError) -> (organization: Dealstore_V1_Organization, revision: UInt64) {
        let version = self.version
        return (try Self.organization(id: key, in: version), version.revision)
    }

    /// ``listOrganizations(pageSize:pageToken:query:kind:)`` with the revision the page was read at.
    public func listOrganizationsAtRevision(
        pageSize: Int = DealPageSize.default,
        pageToken: String = "",
        query: String,
        kind: Dealstore_V1_OrganizationKind
    ) throws(DealStoreError) -> (
        organizations: [Dealstore_V1_Organization], nextPageToken: String, totalSize: Int, revision: UInt64
    ) {
        let version = self.version
        let page = try Self.listOrganizations(
            pageSize: pageSize,
            pageToken: pageToken,
            query: query,
            kind: kind,
            in: version
        )
        return (page.organizations, page.nextPageToken, page.totalSize, version.revision)
    }

    /// ``topDeals(limit:currencyCode:filter:)`` with the revision it was read at.
    public func topDealsAtRevision(
        limit: Int = 10,
        currencyCode: String = "",
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter()
    ) throws(DealStoreError) -> (deals: [Dealstore_V1_Deal], revision: UInt64) {
        var filter = filter
        if !currencyCode.isEmpty { filter.currencyCode = currencyCode }
        let page = try self.listDeals(filter: filter, orderBy: "amount desc, id", pageSize: max(1, limit))
        return (page.deals, page.revision)
    }

    /// ``coInvestors(of:)`` with the investor's id and the revision both were read at.
    public func coInvestorsAtRevision(
        of investor: String
    ) throws(DealStoreError) -> (investorID: String, coInvestors: [Dealstore_V1_CoInvestor], revision: UInt64) {
        let version = self.version
        let id = try Self.organization(id: investor, in: version).id
        return (id, try Self.coInvestors(of: investor, in: version), version.revision)
    }

    /// ``timeline(of:)`` with the revision it was read at.
    public func timelineAtRevision(
        of organization: String
    ) throws(DealStoreError) -> (timeline: Dealstore_V1_Timeline, revision: UInt64) {
        let version = self.version
        return (try Self.timeline(of: organization, in: version), version.revision)
    }

    /// ``conflicts(dealID:pageSize:pageToken:)`` with the revision the page was read at.
    public func conflictsAtRevision(
        dealID: String = "",
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> (conflicts: [Dealstore_V1_Conflict], nextPageToken: String, revision: UInt64) {
        let version = self.version
        let page = try Self.conflicts(dealID: dealID, pageSize: pageSize, pageToken: pageToken, in: version)
        return (page.conflicts, page.nextPageToken, version.revision)
    }
}
