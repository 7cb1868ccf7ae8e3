/// The errors of the record writes and reads, one message each, so that every path that refuses the same input
/// says the same thing (what was wrong and what to do).
extension DealStoreError {
    /// No deal has this id.
    static func dealNotFound(_ id: String) -> DealStoreError {
        DealStoreError(code: .notFound, message: "deal '\(id)' not found: check the id (ListDeals shows the ids)")
    }

    /// No organization has this id (writes take ids only, unlike reads).
    static func organizationNotFound(id: String) -> DealStoreError {
        DealStoreError(
            code: .notFound,
            message: id.isEmpty
                ? "organization '' not found: set the organization's id to the id of the one to change"
                : "organization '\(id)' not found: writes take its id, not a name or alias "
                    + "(GetOrganization resolves names; ListOrganizations shows the ids)"
        )
    }

    /// No organization has this id, name or alias (reads resolve all three).
    static func organizationNotFound(key: String) -> DealStoreError {
        DealStoreError(
            code: .notFound,
            message: "organization '\(key)' not found by id, name or alias: check the spelling "
                + "(ListOrganizations with a query finds it)"
        )
    }

    /// A create named an id that is taken; `kind` is "deal" or "organization".
    static func recordExists(_ kind: String, id: String) -> DealStoreError {
        DealStoreError(
            code: .alreadyExists,
            message: "\(kind) '\(id)' already exists: choose another id, or update the existing \(kind)"
        )
    }

    /// An update or delete carried an etag that is not the stored one.
    static func etagMismatch(expected: String, stored: String, what: String) -> DealStoreError {
        DealStoreError(
            code: .aborted,
            message: "etag '\(expected)' does not match the current etag '\(stored)' of \(what): "
                + "it changed since you read it; read it again and reapply your change"
        )
    }

    /// A write to a store that was closed.
    static var storeClosed: DealStoreError {
        DealStoreError(
            code: .failedPrecondition,
            message: "the store is closed and takes no more writes: open it again (a server that is shutting "
                + "down refuses writes; retry on one that is serving)"
        )
    }

    /// A write to a store that refuses writes (a local store after a disk failure, a cluster node that cannot
    /// reach or has not caught up with the system of record); `reason` says why.
    static func storeReadOnly(_ reason: String) -> DealStoreError {
        DealStoreError(
            code: .readOnly,
            message: "the store takes no writes (read-only): \(reason); reads still work"
        )
    }
}
