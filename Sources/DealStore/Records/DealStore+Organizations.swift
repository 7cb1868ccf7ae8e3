public import DealModel
import HashTreeCollections
import SwiftProtobuf

extension DealStore {
    /// The fields of an organization no update mask may name: the id names it, the store writes the meta, and
    /// only MergeOrganizations writes `merged_ids` (so a redirect cannot be dropped or forged by an update).
    static let organizationFixedFields: [String: String] = [
        "id": "the id names the organization to update and cannot change",
        "meta": "the store writes the meta",
        "merged_ids": "only MergeOrganizations writes it",
    ]

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
        guard let organization else { throw .organizationNotFound(key: key) }
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

    /// Creates an organization once durable; see ``DealWrite/createOrganization(_:validateOnly:)``.
    /// `completion` as for ``write(_:answer:executor:completion:)``.
    public func createOrganization(
        _ organization: Dealstore_V1_Organization,
        validateOnly: Bool = false,
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<Dealstore_V1_Organization, DealStoreError>) -> Void
    ) {
        self.write(
            .createOrganization(organization, validateOnly: validateOnly),
            answer: .record,
            executor: executor,
            completion: completion
        )
    }

    /// Creates an organization once durable; see ``createOrganization(_:validateOnly:executor:completion:)``.
    public func createOrganization(
        _ organization: Dealstore_V1_Organization,
        validateOnly: Bool = false
    ) async throws(DealStoreError) -> Dealstore_V1_Organization {
        try await self.write(.createOrganization(organization, validateOnly: validateOnly), answer: .record)
    }

    static func createOrganization(
        _ organization: Dealstore_V1_Organization,
        validateOnly: Bool,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealWritten<Dealstore_V1_Organization> {
        var organization = organization
        organization.clearMeta()
        if organization.id.isEmpty && !organization.name.allSatisfy(\.isWhitespace) {
            let base = DealStoreState.slug(organization.name)
            organization.id = state.uniqueID(base.isEmpty ? "org" : base) { state.organizations[$0] != nil }
        }
        try DealValidator.checkID(organization.id, field: "id")
        if state.organizations[organization.id] != nil { throw .recordExists("organization", id: organization.id) }
        try DealValidator(state: state).validate(&organization)
        if validateOnly { return DealWritten(record: organization, revision: 0) }
        organization.meta = Self.meta(revision: state.revision + 1, created: nil, time: batch.timeMicros)
        var record = Dealstore_V1_DealRecord()
        record.organization = organization
        try batch.emit(.created, record, state: &state)
        return DealWritten(record: organization, revision: batch.lastRevision)
    }

    /// Updates the fields named by `updateMask` (empty: all) once durable; see
    /// ``DealWrite/updateOrganization(_:updateMask:expectedEtag:)``. `completion` as for
    /// ``write(_:answer:executor:completion:)``.
    public func updateOrganization(
        _ organization: Dealstore_V1_Organization,
        updateMask: [String] = [],
        expectedEtag: String = "",
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<Dealstore_V1_Organization, DealStoreError>) -> Void
    ) {
        self.write(
            .updateOrganization(organization, updateMask: updateMask, expectedEtag: expectedEtag),
            answer: .record,
            executor: executor,
            completion: completion
        )
    }

    /// Updates an organization once durable; see
    /// ``updateOrganization(_:updateMask:expectedEtag:executor:completion:)``.
    public func updateOrganization(
        _ organization: Dealstore_V1_Organization,
        updateMask: [String] = [],
        expectedEtag: String = ""
    ) async throws(DealStoreError) -> Dealstore_V1_Organization {
        try await self.write(
            .updateOrganization(organization, updateMask: updateMask, expectedEtag: expectedEtag),
            answer: .record
        )
    }

    static func updateOrganization(
        _ organization: Dealstore_V1_Organization,
        mask: [String],
        etag: String,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealWritten<Dealstore_V1_Organization> {
        guard let old = state.organizations[organization.id] else { throw .organizationNotFound(id: organization.id) }
        try Self.checkEtag(etag, stored: old.meta.etag, what: "organization '\(organization.id)'")
        // Checked after the lookup and the etag, so a missing or changed organization is reported first.
        let mask = try DealUpdateMask<Dealstore_V1_Organization>(
            mask,
            fixed: Self.organizationFixedFields,
            what: "organization"
        )
        var merged = old
        try mask.merge(organization, into: &merged)
        try DealValidator(state: state).validate(&merged)
        merged.meta = Self.meta(revision: state.revision + 1, created: old.meta, time: batch.timeMicros)
        var record = Dealstore_V1_DealRecord()
        record.organization = merged
        try batch.emit(.updated, record, state: &state)
        return DealWritten(record: merged, revision: batch.lastRevision)
    }

    /// Deletes an organization once durable and answers with the revision of the deletion; see
    /// ``DealWrite/deleteOrganization(id:expectedEtag:)``. `completion` as for
    /// ``write(_:answer:executor:completion:)``.
    public func deleteOrganization(
        id: String,
        expectedEtag: String = "",
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<UInt64, DealStoreError>) -> Void
    ) {
        self.write(
            .deleteOrganization(id: id, expectedEtag: expectedEtag),
            answer: .revision,
            executor: executor,
            completion: completion
        )
    }

    /// Deletes an organization once durable; see ``deleteOrganization(id:expectedEtag:executor:completion:)``.
    @discardableResult
    public func deleteOrganization(id: String, expectedEtag: String = "") async throws(DealStoreError) -> UInt64 {
        try await self.write(.deleteOrganization(id: id, expectedEtag: expectedEtag), answer: .revision)
    }

    static func deleteOrganization(
        id: String,
        etag: String,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealWritten<Dealstore_V1_Organization> {
        guard let old = state.organizations[id] else { throw .organizationNotFound(id: id) }
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
        return DealWritten(record: old, revision: batch.lastRevision)
    }
}

extension DealWrite where Record == Dealstore_V1_Organization {
    /// Creates an organization; with `validateOnly`, only validates it and answers with it as it would be stored.
    ///
    /// An organization without id gets one derived from its name. Names, aliases, former names and domains must be
    /// unique case-insensitively. Refused with ``DealStoreError/Code/invalidArgument`` (the message names the
    /// field) or ``DealStoreError/Code/alreadyExists``.
    public static func createOrganization(_ organization: Dealstore_V1_Organization, validateOnly: Bool = false) -> Self
    {
        Self { (state, batch) throws(DealStoreError) in
            try DealStore.createOrganization(organization, validateOnly: validateOnly, state: &state, batch: &batch)
        }
    }

    /// Updates the fields of the stored organization `organization.id` (an id, not a name) that `updateMask`
    /// names, from `organization`, under the rules of ``DealWrite/updateDeal(_:updateMask:expectedEtag:)``;
    /// `id`, `meta` and `merged_ids` cannot be named.
    public static func updateOrganization(
        _ organization: Dealstore_V1_Organization,
        updateMask: [String] = [],
        expectedEtag: String = ""
    ) -> Self {
        Self { (state, batch) throws(DealStoreError) in
            try DealStore.updateOrganization(
                organization,
                mask: updateMask,
                etag: expectedEtag,
                state: &state,
                batch: &batch
            )
        }
    }

    /// Deletes organization `id`; answers with the organization as it was. Refused with
    /// ``DealStoreError/Code/failedPrecondition`` while a deal refers to it or a person is affiliated with it.
    public static func deleteOrganization(id: String, expectedEtag: String = "") -> Self {
        Self { (state, batch) throws(DealStoreError) in
            try DealStore.deleteOrganization(id: id, etag: expectedEtag, state: &state, batch: &batch)
        }
    }
}
