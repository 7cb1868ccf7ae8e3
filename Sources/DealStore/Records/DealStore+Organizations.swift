public import DealModel
import HashTreeCollections
import SwiftProtobuf

extension DealStore {
    static let organizationMaskFields: Set<String> = Set([
        "name", "aliases", "kind", "external_ids", "description", "website",
    ]).union(DealStore.organizationContextMaskFields)

    /// Returns an organization by id, or by name or alias (case-insensitively). Throws
    /// ``DealStoreError/Code/notFound``.
    public func organization(id key: String) throws(DealStoreError) -> Dealstore_V1_Organization {
        try Self.organization(id: key, in: self.version)
    }

    static func organization(
        id key: String,
        in version: DealVersion
    ) throws(DealStoreError) -> Dealstore_V1_Organization {
        let organization = version.resolveOrganization(key).flatMap { version.organizations[$0] }
        guard let organization else {
            throw DealStoreError(code: .notFound, message: "organization '\(key)' not found (by id, name or alias)")
        }
        return organization
    }

    /// Lists organizations in id order; `pageToken` is the previous page's `nextPageToken` ("" at the end).
    public func listOrganizations(
        pageSize: Int = DealPageSize.default,
        pageToken: String = ""
    ) throws(DealStoreError) -> (organizations: [Dealstore_V1_Organization], nextPageToken: String, totalSize: Int) {
        let after = try DealPageToken.decodeSimple(pageToken, scope: "organizations")
        let size = DealPageSize.clamped(pageSize)
        return { (state: DealVersion) in
            let sorted = state.organizations.keys.sorted()
            let start = after.map { last in sorted.firstIndex(where: { $0 > last }) ?? sorted.count } ?? 0
            let page = sorted[start..<min(sorted.count, start + size)]
            let next =
                start + size < sorted.count ? DealPageToken.encodeSimple(page.last ?? "", scope: "organizations") : ""
            return (page.compactMap { state.organizations[$0] }, next, sorted.count)
        }(self.version)
    }

    /// Creates an organization once durable. Names and aliases must be unique case-insensitively.
    public func createOrganization(
        _ organization: Dealstore_V1_Organization,
        validateOnly: Bool = false,
        completion: @escaping @Sendable (Result<Dealstore_V1_Organization, DealStoreError>) -> Void
    ) {
        self.submit(
            { (state, batch) throws(DealStoreError) -> Dealstore_V1_Organization in
                try Self.createOrganization(organization, validateOnly: validateOnly, state: &state, batch: &batch)
            },
            completion: completion
        )
    }

    /// Creates an organization once durable; see ``createOrganization(_:validateOnly:completion:)``.
    public func createOrganization(
        _ organization: Dealstore_V1_Organization,
        validateOnly: Bool = false
    ) async throws(DealStoreError) -> Dealstore_V1_Organization {
        try await self.submit { (state, batch) throws(DealStoreError) -> Dealstore_V1_Organization in
            try Self.createOrganization(organization, validateOnly: validateOnly, state: &state, batch: &batch)
        }
    }

    static func createOrganization(
        _ organization: Dealstore_V1_Organization,
        validateOnly: Bool,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> Dealstore_V1_Organization {
        var organization = organization
        organization.clearMeta()
        if organization.id.isEmpty && !organization.name.allSatisfy(\.isWhitespace) {
            let base = DealStoreState.slug(organization.name)
            organization.id = state.uniqueID(base.isEmpty ? "org" : base) { state.organizations[$0] != nil }
        }
        try DealValidator.checkID(organization.id, field: "id")
        if state.organizations[organization.id] != nil {
            throw DealStoreError(
                code: .alreadyExists,
                message: "organization '\(organization.id)' already exists: choose another id or update it"
            )
        }
        try DealValidator(state: state).validate(&organization)
        if validateOnly { return organization }
        organization.meta = Self.meta(revision: state.revision + 1, created: nil, time: batch.timeMicros)
        var record = Dealstore_V1_DealRecord()
        record.organization = organization
        try batch.emit(.created, record, state: &state)
        return organization
    }

    /// Updates the fields named by `updateMask` (empty: all) once durable; a stale `expectedEtag` is refused with
    /// ``DealStoreError/Code/aborted``.
    public func updateOrganization(
        _ organization: Dealstore_V1_Organization,
        updateMask: [String] = [],
        expectedEtag: String = "",
        completion: @escaping @Sendable (Result<Dealstore_V1_Organization, DealStoreError>) -> Void
    ) {
        self.submit(
            { (state, batch) throws(DealStoreError) -> Dealstore_V1_Organization in
                try Self.updateOrganization(
                    organization,
                    mask: updateMask,
                    etag: expectedEtag,
                    state: &state,
                    batch: &batch
                )
            },
            completion: completion
        )
    }

    /// Updates an organization once durable; see ``updateOrganization(_:updateMask:expectedEtag:completion:)``.
    public func updateOrganization(
        _ organization: Dealstore_V1_Organization,
        updateMask: [String] = [],
        expectedEtag: String = ""
    ) async throws(DealStoreError) -> Dealstore_V1_Organization {
        try await self.submit { (state, batch) throws(DealStoreError) -> Dealstore_V1_Organization in
            try Self.updateOrganization(
                organization,
                mask: updateMask,
                etag: expectedEtag,
                state: &state,
                batch: &batch
            )
        }
    }

    static func updateOrganization(
        _ organization: Dealstore_V1_Organization,
        mask: [String],
        etag: String,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> Dealstore_V1_Organization {
        guard let old = state.organizations[organization.id] else {
            throw DealStoreError(code: .notFound, message: "organization '\(organization.id)' not found")
        }
        try Self.checkEtag(etag, stored: old.meta.etag, what: "organization '\(organization.id)'")
        var merged = old
        let paths = mask.isEmpty ? Array(Self.organizationMaskFields) : mask
        for (index, path) in paths.enumerated() {
            switch path {
            case "name": merged.name = organization.name
            case "aliases": merged.aliases = organization.aliases
            case "kind": merged.kind = organization.kind
            case "external_ids": merged.externalIds = organization.externalIds
            case "description": merged.description_p = organization.description_p
            case "website": merged.website = organization.website
            default:
                if Self.updateContextField(path, from: organization, into: &merged) { continue }
                throw .invalid(
                    "update_mask[\(index)]",
                    "'\(path)' is not an updatable organization field; use one of "
                        + Self.organizationMaskFields.sorted().joined(separator: ", ")
                )
            }
        }
        try DealValidator(state: state).validate(&merged)
        merged.meta = Self.meta(revision: state.revision + 1, created: old.meta, time: batch.timeMicros)
        var record = Dealstore_V1_DealRecord()
        record.organization = merged
        try batch.emit(.updated, record, state: &state)
        return merged
    }

    /// Deletes an organization once durable; refused with ``DealStoreError/Code/failedPrecondition`` while a deal
    /// refers to it. Returns the revision of the deletion.
    public func deleteOrganization(
        id: String,
        expectedEtag: String = "",
        completion: @escaping @Sendable (Result<UInt64, DealStoreError>) -> Void
    ) {
        self.submit(
            { (state, batch) throws(DealStoreError) -> UInt64 in
                try Self.deleteOrganization(id: id, etag: expectedEtag, state: &state, batch: &batch)
            },
            completion: completion
        )
    }

    /// Deletes an organization once durable; see ``deleteOrganization(id:expectedEtag:completion:)``.
    @discardableResult
    public func deleteOrganization(id: String, expectedEtag: String = "") async throws(DealStoreError) -> UInt64 {
        try await self.submit { (state, batch) throws(DealStoreError) -> UInt64 in
            try Self.deleteOrganization(id: id, etag: expectedEtag, state: &state, batch: &batch)
        }
    }

    static func deleteOrganization(
        id: String,
        etag: String,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> UInt64 {
        guard let old = state.organizations[id] else {
            throw DealStoreError(code: .notFound, message: "organization '\(id)' not found")
        }
        try Self.checkEtag(etag, stored: old.meta.etag, what: "organization '\(id)'")
        if let count = state.referenceCounts[id], count > 0 {
            throw DealStoreError(
                code: .failedPrecondition,
                message: "organization '\(id)' is referred to by \(count) deal(s): delete or update them first"
            )
        }
        try Self.checkNoAffiliations(naming: id, state: state)
        var record = Dealstore_V1_DealRecord()
        record.organization = old
        try batch.emit(.deleted, record, state: &state)
        return batch.lastRevision
    }
}
