public import DealModel
import HashTreeCollections
import SwiftProtobuf
import Synchronization

extension DealStore {
    /// The fields of a deal no update mask may name: the id names the deal, the store writes the meta, and the
    /// normalised amounts are derived (per query, never stored).
    static let dealFixedFields: [String: String] = [
        "id": "the id names the deal to update and cannot change",
        "meta": "the store writes the meta",
        "amount_normalized": "normalised amounts are computed per query and never stored",
        "commitment_cap_normalized": "normalised amounts are computed per query and never stored",
    ]

    static func etag(for revision: UInt64) -> String {
        "r" + String(revision, radix: 36)
    }

    /// Returns the deal with this id.
    ///
    /// Synchronous and served from memory (no thread hop, never waits for the disk). Throws
    /// ``DealStoreError/Code/notFound``.
    public func deal(id: String) throws(DealStoreError) -> Dealstore_V1_Deal {
        let bytes = try self.dealBytes(id: id)
        do {
            return try Dealstore_V1_Deal(serializedBytes: bytes)
        } catch {
            throw DealStoreError(code: .internal, message: "stored deal '\(id)' does not decode", cause: error)
        }
    }

    /// Returns the deal with this id in protobuf binary form, as stored: a server can send it without decoding.
    ///
    /// Read from the latest durable version, without the writer's lock.
    public func dealBytes(id: String) throws(DealStoreError) -> [UInt8] {
        try self.dealBytesAtRevision(id: id).bytes
    }

    /// ``dealBytes(id:)`` with the revision of the version it was read from.
    public func dealBytesAtRevision(id: String) throws(DealStoreError) -> (bytes: [UInt8], revision: UInt64) {
        let version = self.version
        guard let bytes = version.deals[id]?.bytes else {
            // A malformed id is the caller's mistake, not a missing record: say which.
            try DealValidator.checkID(id, field: "id")
            throw .dealNotFound(id)
        }
        return (bytes, version.revision)
    }

    /// Creates a deal; with `validateOnly`, only validates it and returns it as it would be stored (without meta).
    ///
    /// A deal without id gets a generated one. Organization references may be ids, names or aliases; they are
    /// stored as ids. Fails with ``DealStoreError/Code/invalidArgument`` (the message names the field) or
    /// ``DealStoreError/Code/alreadyExists``. `completion` runs as ``write(_:answer:executor:completion:)`` says;
    /// for the stored bytes instead of the message, write ``DealWrite/createDeal(_:validateOnly:)`` with
    /// ``DealWriteAnswer/serialized``.
    public func createDeal(
        _ deal: Dealstore_V1_Deal,
        validateOnly: Bool = false,
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<Dealstore_V1_Deal, DealStoreError>) -> Void
    ) {
        self.write(
            .createDeal(deal, validateOnly: validateOnly),
            answer: .record,
            executor: executor,
            completion: completion
        )
    }

    /// Creates a deal once durable; see ``createDeal(_:validateOnly:executor:completion:)``.
    public func createDeal(
        _ deal: Dealstore_V1_Deal,
        validateOnly: Bool = false
    ) async throws(DealStoreError) -> Dealstore_V1_Deal {
        try await self.write(.createDeal(deal, validateOnly: validateOnly), answer: .record)
    }

    /// `<first investor>-<target>-<year>` (as the bundled deals are named), made unique with `-2`, `-3`…; parts
    /// that are missing or not valid ids are left out, and `deal` stands in when nothing is left.
    static func derivedDealID(_ deal: Dealstore_V1_Deal, state: DealStoreState) -> String {
        let investor = deal.participations.first.map { state.resolveOrganization($0.investorID) ?? $0.investorID }
        let target = state.resolveOrganization(deal.targetID) ?? deal.targetID
        let year = deal.announced.year > 0 ? String(deal.announced.year) : nil
        let parts = [investor, target, year].compactMap { $0 }.map(DealStoreState.slug).filter { !$0.isEmpty }
        return state.uniqueID(parts.isEmpty ? "deal" : parts.joined(separator: "-")) { state.deals[$0] != nil }
    }

    static func createDeal(
        _ deal: Dealstore_V1_Deal,
        validateOnly: Bool,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealWritten<Dealstore_V1_Deal> {
        // One copy of the request's deal, made unique here and then changed in place: validation, the meta and
        // the log all work on this one storage.
        var deal = deal
        if deal.id.isEmpty {
            deal.id = Self.derivedDealID(deal, state: state)
        }
        try DealValidator.checkID(deal.id, field: "id")
        if state.deals[deal.id] != nil { throw .recordExists("deal", id: deal.id) }
        if deal.hasMeta { deal.clearMeta() }
        try DealValidator(state: state).validate(&deal)
        if validateOnly { return DealWritten(record: deal, revision: 0) }
        let revision = state.revision + 1
        deal.meta = Self.meta(revision: revision, created: nil, time: batch.timeMicros)
        let bytes = try batch.emitDeal(.created, deal, state: &state)
        return DealWritten(record: deal, revision: revision, bytes: bytes)
    }

    /// Validates and serializes a new deal off the lock (see ``DealPreparedDeal``); `nil` when the deal has no id
    /// yet (deriving one needs the lock) or is refused: the locked path then reports its errors in their usual
    /// order (an existing id before an invalid field).
    func prepareCreate(_ deal: Dealstore_V1_Deal) -> DealPreparedDeal? {
        guard !deal.id.isEmpty else { return nil }
        // Two retains under the lock: the organization tables, which validation reads.
        let (validator, version) = self.state.withLock { state in
            (DealValidator(state: state), state.organizationsVersion)
        }
        var deal = deal
        if deal.hasMeta { deal.clearMeta() }
        do throws(DealStoreError) {
            try DealValidator.checkID(deal.id, field: "id")
            try validator.validate(&deal)
        } catch {
            return nil
        }
        guard let body: [UInt8] = try? deal.serializedBytes() else { return nil }
        return DealPreparedDeal(deal: deal, body: body, organizationsVersion: version)
    }

    /// Stores a prepared create under the lock; when an organization changed since it was validated, validates
    /// `original` again here instead.
    static func createPrepared(
        _ prepared: DealPreparedDeal,
        original: Dealstore_V1_Deal,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealWritten<Dealstore_V1_Deal> {
        guard state.organizationsVersion == prepared.organizationsVersion else {
            return try Self.createDeal(original, validateOnly: false, state: &state, batch: &batch)
        }
        if state.deals[prepared.deal.id] != nil { throw .recordExists("deal", id: prepared.deal.id) }
        let revision = state.revision + 1
        let meta = Self.meta(revision: revision, created: nil, time: batch.timeMicros)
        let bytes = try prepared.bytes(meta: meta)
        var deal = prepared.deal
        deal.meta = meta
        try batch.emitDeal(.created, deal, bytes: bytes, state: &state)
        return DealWritten(record: deal, revision: revision, bytes: bytes)
    }

    static func meta(revision: UInt64, created: Dealstore_V1_RecordMeta?, time: Int64) -> Dealstore_V1_RecordMeta {
        var meta = Dealstore_V1_RecordMeta()
        meta.createRevision = created?.createRevision ?? revision
        meta.createTimeMicros = created?.createTimeMicros ?? time
        meta.updateRevision = revision
        meta.updateTimeMicros = time
        meta.etag = Self.etag(for: revision)
        return meta
    }

    /// Updates the fields of `deal` named by `updateMask` (proto field paths; empty means every field), once
    /// durable; see ``DealWrite/updateDeal(_:updateMask:expectedEtag:)`` for the rules.
    public func updateDeal(
        _ deal: Dealstore_V1_Deal,
        updateMask: [String] = [],
        expectedEtag: String = "",
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<Dealstore_V1_Deal, DealStoreError>) -> Void
    ) {
        self.write(
            .updateDeal(deal, updateMask: updateMask, expectedEtag: expectedEtag),
            answer: .record,
            executor: executor,
            completion: completion
        )
    }

    /// Updates a deal once durable; see ``updateDeal(_:updateMask:expectedEtag:executor:completion:)``.
    public func updateDeal(
        _ deal: Dealstore_V1_Deal,
        updateMask: [String] = [],
        expectedEtag: String = ""
    ) async throws(DealStoreError) -> Dealstore_V1_Deal {
        try await self.write(.updateDeal(deal, updateMask: updateMask, expectedEtag: expectedEtag), answer: .record)
    }

    static func storedDeal(_ id: String, state: DealStoreState) throws(DealStoreError) -> Dealstore_V1_Deal {
        guard let entry = state.deals[id] else { throw .dealNotFound(id) }
        do {
            return try entry.decode()
        } catch {
            throw DealStoreError(code: .internal, message: "stored deal '\(id)' does not decode", cause: error)
        }
    }

    static func checkEtag(_ expected: String, stored: String, what: String) throws(DealStoreError) {
        if !expected.isEmpty && expected != stored {
            throw .etagMismatch(expected: expected, stored: stored, what: what)
        }
    }

    static func updateDeal(
        _ deal: Dealstore_V1_Deal,
        mask: [String],
        etag: String,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealWritten<Dealstore_V1_Deal> {
        if deal.id.isEmpty { throw .invalid("id", "is required: set the id of the deal to update") }
        let old = try Self.storedDeal(deal.id, state: state)
        try Self.checkEtag(etag, stored: old.meta.etag, what: "deal '\(deal.id)'")
        // Checked after the lookup and the etag, so a missing or changed deal is reported first.
        let mask = try DealUpdateMask<Dealstore_V1_Deal>(mask, fixed: Self.dealFixedFields, what: "deal")
        var merged = old
        try mask.merge(deal, into: &merged)
        try DealValidator(state: state).validate(&merged)
        let revision = state.revision + 1
        merged.meta = Self.meta(revision: revision, created: old.meta, time: batch.timeMicros)
        let bytes = try batch.emitDeal(.updated, merged, state: &state)
        return DealWritten(record: merged, revision: revision, bytes: bytes)
    }

    /// Deletes a deal once durable and answers with the revision of the deletion; a stale `expectedEtag` is
    /// refused with ``DealStoreError/Code/aborted``. `completion` as for ``write(_:answer:executor:completion:)``.
    public func deleteDeal(
        id: String,
        expectedEtag: String = "",
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<UInt64, DealStoreError>) -> Void
    ) {
        self.write(
            .deleteDeal(id: id, expectedEtag: expectedEtag),
            answer: .revision,
            executor: executor,
            completion: completion
        )
    }

    /// Deletes a deal once durable; see ``deleteDeal(id:expectedEtag:executor:completion:)``.
    @discardableResult
    public func deleteDeal(id: String, expectedEtag: String = "") async throws(DealStoreError) -> UInt64 {
        try await self.write(.deleteDeal(id: id, expectedEtag: expectedEtag), answer: .revision)
    }

    static func deleteDeal(
        id: String,
        etag: String,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealWritten<Dealstore_V1_Deal> {
        let old = try Self.storedDeal(id, state: state)
        try Self.checkEtag(etag, stored: old.meta.etag, what: "deal '\(id)'")
        var record = Dealstore_V1_DealRecord()
        record.deal = old
        try batch.emit(.deleted, record, state: &state)
        return DealWritten(record: old, revision: batch.lastRevision)
    }
}

extension DealWrite where Record == Dealstore_V1_Deal {
    /// Creates a deal; with `validateOnly`, only validates it and answers with it as it would be stored (no meta).
    ///
    /// A deal without id gets one derived from its first investor, target and year. Organization references may
    /// be ids, names or aliases; they are stored as ids. Refused with ``DealStoreError/Code/invalidArgument`` (the
    /// message names the field) or ``DealStoreError/Code/alreadyExists``.
    public static func createDeal(_ deal: Dealstore_V1_Deal, validateOnly: Bool = false) -> Self {
        Self { store in
            // A deal with an id is validated and encoded before the lock is taken (see DealPreparedDeal).
            if !validateOnly, let prepared = store.prepareCreate(deal) {
                return { (state, batch) throws(DealStoreError) in
                    try DealStore.createPrepared(prepared, original: deal, state: &state, batch: &batch)
                }
            }
            return { (state, batch) throws(DealStoreError) in
                try DealStore.createDeal(deal, validateOnly: validateOnly, state: &state, batch: &batch)
            }
        }
    }

    /// Updates the fields of the stored deal `deal.id` that `updateMask` names, from `deal`.
    ///
    /// The mask holds proto field paths (`title`, `amount`, `amount.units`); empty means every field. A named field
    /// that `deal` leaves unset is cleared; a repeated field is replaced whole. `id`, `meta` and the normalised
    /// amounts cannot be named; an unknown path is ``DealStoreError/Code/invalidArgument`` naming it. With a
    /// non-empty `expectedEtag` that differs from the stored etag the update is refused with
    /// ``DealStoreError/Code/aborted`` and nothing is merged.
    public static func updateDeal(
        _ deal: Dealstore_V1_Deal,
        updateMask: [String] = [],
        expectedEtag: String = ""
    ) -> Self {
        Self { (state, batch) throws(DealStoreError) in
            try DealStore.updateDeal(deal, mask: updateMask, etag: expectedEtag, state: &state, batch: &batch)
        }
    }

    /// Deletes deal `id`; answers with the deal as it was. A stale `expectedEtag` is refused with
    /// ``DealStoreError/Code/aborted``.
    public static func deleteDeal(id: String, expectedEtag: String = "") -> Self {
        Self { (state, batch) throws(DealStoreError) in
            try DealStore.deleteDeal(id: id, etag: expectedEtag, state: &state, batch: &batch)
        }
    }
}
