public import DealModel

extension DealStore {
    /// Lists organizations in id order that match a free-text query and a kind; empty filters match everything.
    ///
    /// `query` is a case-insensitive substring of the id, name or any alias, former name, domain or merged id. The page token carries the last id,
    /// so pages stay stable while organizations are added or removed.
    public func listOrganizations(
        pageSize: Int = DealPageSize.default,
        pageToken: String = "",
        query: String,
        kind: Dealstore_V1_OrganizationKind
    ) throws(DealStoreError) -> (organizations: [Dealstore_V1_Organization], nextPageToken: String, totalSize: Int) {
        try Self.listOrganizations(pageSize: pageSize, pageToken: pageToken, query: query, kind: kind, in: self.version)
    }

    static func listOrganizations(
        pageSize: Int,
        pageToken: String,
        query: String,
        kind: Dealstore_V1_OrganizationKind,
        in version: DealVersion
    ) throws(DealStoreError) -> (organizations: [Dealstore_V1_Organization], nextPageToken: String, totalSize: Int) {
        let after = try DealPageToken.decodeSimple(pageToken, scope: "organizations")
        let size = DealPageSize.clamped(pageSize)
        let needle = query.lowercased()
        return { (state: DealVersion) in
            let matching = state.organizations.values.filter { organization in
                (kind == .unspecified || organization.kind == kind)
                    && (needle.isEmpty || organization.id.contains(needle)
                        || organization.name.lowercased().contains(needle)
                        || organization.aliases.contains { $0.lowercased().contains(needle) }
                        || organization.formerNames.contains { $0.lowercased().contains(needle) }
                        || organization.domains.contains { $0.contains(needle) }
                        || organization.mergedIds.contains { $0.contains(needle) })
            }.sorted { $0.id < $1.id }
            let start = after.map { last in matching.firstIndex { $0.id > last } ?? matching.count } ?? 0
            let page = Array(matching[start..<min(matching.count, start + size)])
            let next =
                start + size < matching.count
                ? DealPageToken.encodeSimple(page.last?.id ?? "", scope: "organizations") : ""
            return (page, next, matching.count)
        }(version)
    }
}
