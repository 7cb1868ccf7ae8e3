public import DealModel
import HashTreeCollections
import SwiftProtobuf
import Synchronization

extension DealStore {
    /// The fields of a deal an update mask may name (proto field names).
    static let dealMaskFields: Set<String> = Set([
        "target_id", "type", "status", "title", "announced", "closed", "amount", "commitment_cap", "participations",
        "tranches", "options", "valuations", "strategic_terms", "sources", "disputed_claims", "notes",
    ]).union(DealStore.dealExitMaskFields)

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
            throw DealStoreError(
                code: .notFound,
                message: "deal '\(id)' not found (ListDeals shows the ids)"
            )
        }
        return (bytes, version.revision)
    }

    /// Creates a deal; with `validateOnly`, only validates it and returns it as it would be stored (without meta).
    ///
    /// A deal without id gets a generated one. Organization references may be ids, names or aliases; they are
    /// stored as ids. Fails with ``DealStoreError/Code/invalidArgument`` (the message names the field) or
    /// ``DealStoreError/Code/alreadyExists``. `completion` runs once the deal is durable, on the store's committer
    /// thread (or at once on the caller's thread when nothing was written): hop to your own executor from there.
    public func createDeal(
        _ deal: Dealstore_V1_Deal,
        validateOnly: Bool = false,
        completion: @escaping @Sendable (Result<Dealstore_V1_Deal, DealStoreError>) -> Void
    ) {
        self.submit(
            { (state, batch) throws(DealStoreError) -> DealWrittenDeal in
                try Self.createDeal(deal, validateOnly: validateOnly, state: &state, batch: &batch)
            },
            completion: { completion($0.map(\.deal)) }
        )
    }

    /// Creates a deal like ``createDeal(_:validateOnly:completion:)`` and answers with the stored deal in protobuf
    /// binary form: the bytes that were logged and stored, so a server sends them without encoding the deal again.
    ///
    /// With an `executor`, a durable write's completion runs through it together with the other calls of its
    /// commit batch (one hop per batch); without, on the committer thread. A call that writes nothing (refused,
    /// validate-only) completes at once on the caller's thread.
    public func createDealSerialized(
        _ deal: Dealstore_V1_Deal,
        validateOnly: Bool = false,
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<[UInt8], DealStoreError>) -> Void
    ) {
        if !validateOnly, let prepared = self.prepareCreate(deal) {
            self.submit(
                executor: executor,
                { (state, batch) throws(DealStoreError) -> [UInt8] in
                    try Self.createPrepared(prepared, original: deal, state: &state, batch: &batch)
                },
                completion: completion
            )
            return
        }
        self.submit(
            executor: executor,
            { (state, batch) throws(DealStoreError) -> DealWrittenDeal in
                try Self.createDeal(deal, validateOnly: validateOnly, state: &state, batch: &batch)
            },
            completion: { result in
                switch result {
                case .success(let written):
                    do throws(DealStoreError) {
                        completion(.success(try written.serialized()))
                    } catch {
                        completion(.failure(error))
                    }
                case .failure(let error):
                    completion(.failure(error))
                }
            }
        )
    }

    /// Creates a deal once durable; see ``createDeal(_:validateOnly:completion:)``.
    public func createDeal(
        _ deal: Dealstore_V1_Deal,
        validateOnly: Bool = false
    ) async throws(DealStoreError)
        -> Dealstore_V1_Deal
    {
        try await self.submit { (state, batch) throws(DealStoreError) -> DealWrittenDeal in
            try Self.createDeal(deal, validateOnly: validateOnly, state: &state, batch: &batch)
        }.deal
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
    ) throws(DealStoreError) -> DealWrittenDeal {
        // One copy of the request's deal, made unique here and then changed in place: validation, the meta and
        // the log all work on this one storage.
        var deal = deal
        if deal.id.isEmpty {
            deal.id = Self.derivedDealID(deal, state: state)
        }
        try DealValidator.checkID(deal.id, field: "id")
        if state.deals[deal.id] != nil {
            throw DealStoreError(
                code: .alreadyExists,
                message: "deal '\(deal.id)' already exists: choose another id or update it"
            )
        }
        if deal.hasMeta { deal.clearMeta() }
        try DealValidator(state: state).validate(&deal)
        if validateOnly { return DealWrittenDeal(deal: deal, bytes: []) }
        let revision = state.revision + 1
        deal.meta = Self.meta(revision: revision, created: nil, time: batch.timeMicros)
        let bytes = try batch.emitDeal(.created, deal, state: &state)
        return DealWrittenDeal(deal: deal, bytes: bytes)
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
    ) throws(DealStoreError) -> [UInt8] {
        guard state.organizationsVersion == prepared.organizationsVersion else {
            return try Self.createDeal(original, validateOnly: false, state: &state, batch: &batch).bytes
        }
        if state.deals[prepared.deal.id] != nil {
            throw DealStoreError(
                code: .alreadyExists,
                message: "deal '\(prepared.deal.id)' already exists: choose another id or update it"
            )
        }
        let meta = Self.meta(revision: state.revision + 1, created: nil, time: batch.timeMicros)
        let bytes = try prepared.bytes(meta: meta)
        var deal = prepared.deal
        deal.meta = meta
        try batch.emitDeal(.created, deal, bytes: bytes, state: &state)
        return bytes
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

    /// Updates the fields of `deal` named by `updateMask` (proto field names; empty means every field).
    ///
    /// When `expectedEtag` is not empty and differs from the stored etag the update is refused with
    /// ``DealStoreError/Code/aborted`` and nothing is merged. The id and meta cannot be changed.
    public func updateDeal(
        _ deal: Dealstore_V1_Deal,
        updateMask: [String] = [],
        expectedEtag: String = "",
        completion: @escaping @Sendable (Result<Dealstore_V1_Deal, DealStoreError>) -> Void
    ) {
        self.submit(
            { (state, batch) throws(DealStoreError) -> DealWrittenDeal in
                try Self.updateDeal(deal, mask: updateMask, etag: expectedEtag, state: &state, batch: &batch)
            },
            completion: { completion($0.map(\.deal)) }
        )
    }

    /// Updates a deal like ``updateDeal(_:updateMask:expectedEtag:completion:)`` and answers with the stored deal
    /// in protobuf binary form (the logged and stored bytes); `executor` as for
    /// ``createDealSerialized(_:validateOnly:executor:completion:)``.
    public func updateDealSerialized(
        _ deal: Dealstore_V1_Deal,
        updateMask: [String] = [],
        expectedEtag: String = "",
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<[UInt8], DealStoreError>) -> Void
    ) {
        self.submit(
            executor: executor,
            { (state, batch) throws(DealStoreError) -> DealWrittenDeal in
                try Self.updateDeal(deal, mask: updateMask, etag: expectedEtag, state: &state, batch: &batch)
            },
            completion: { result in completion(result.map(\.bytes)) }
        )
    }

    /// Updates a deal once durable; see ``updateDeal(_:updateMask:expectedEtag:completion:)``.
    public func updateDeal(
        _ deal: Dealstore_V1_Deal,
        updateMask: [String] = [],
        expectedEtag: String = ""
    ) async throws(DealStoreError) -> Dealstore_V1_Deal {
        try await self.submit { (state, batch) throws(DealStoreError) -> DealWrittenDeal in
            try Self.updateDeal(deal, mask: updateMask, etag: expectedEtag, state: &state, batch: &batch)
        }.deal
    }

    static func storedDeal(_ id: String, state: DealStoreState) throws(DealStoreError) -> Dealstore_V1_Deal {
        guard let entry = state.deals[id] else {
            throw DealStoreError(code: .notFound, message: "deal '\(id)' not found")
        }
        do {
            return try entry.decode()
        } catch {
            throw DealStoreError(code: .internal, message: "stored deal '\(id)' does not decode", cause: error)
        }
    }

    static func checkEtag(_ expected: String, stored: String, what: String) throws(DealStoreError) {
        if !expected.isEmpty && expected != stored {
            throw DealStoreError(
                code: .aborted,
                message: "etag '\(expected)' does not match the current etag '\(stored)' of \(what): "
                    + "it changed since you read it; read it again and reapply your change"
            )
        }
    }

    static func updateDeal(
        _ deal: Dealstore_V1_Deal,
        mask: [String],
        etag: String,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealWrittenDeal {
        if deal.id.isEmpty { throw .invalid("id", "is required") }
        let old = try Self.storedDeal(deal.id, state: state)
        try Self.checkEtag(etag, stored: old.meta.etag, what: "deal '\(deal.id)'")
        var merged = old
        let paths = mask.isEmpty ? Array(Self.dealMaskFields) : mask
        for (index, path) in paths.enumerated() {
            switch path {
            case "target_id": merged.targetID = deal.targetID
            case "type": merged.type = deal.type
            case "status": merged.status = deal.status
            case "title": merged.title = deal.title
            case "announced":
                if deal.hasAnnounced { merged.announced = deal.announced } else { merged.clearAnnounced() }
            case "closed":
                if deal.hasClosed { merged.closed = deal.closed } else { merged.clearClosed() }
            case "amount":
                if deal.hasAmount { merged.amount = deal.amount } else { merged.clearAmount() }
            case "commitment_cap":
                if deal.hasCommitmentCap {
                    merged.commitmentCap = deal.commitmentCap
                } else {
                    merged.clearCommitmentCap()
                }
            case "participations": merged.participations = deal.participations
            case "tranches": merged.tranches = deal.tranches
            case "options": merged.options = deal.options
            case "valuations": merged.valuations = deal.valuations
            case "strategic_terms": merged.strategicTerms = deal.strategicTerms
            case "sources": merged.sources = deal.sources
            case "disputed_claims": merged.disputedClaims = deal.disputedClaims
            case "notes": merged.notes = deal.notes
            default:
                if Self.updateExitField(path, from: deal, into: &merged) { continue }
                throw .invalid(
                    "update_mask[\(index)]",
                    "'\(path)' is not an updatable deal field; use one of \(Self.dealMaskFields.sorted().joined(separator: ", "))"
                )
            }
        }
        try DealValidator(state: state).validate(&merged)
        merged.meta = Self.meta(revision: state.revision + 1, created: old.meta, time: batch.timeMicros)
        let bytes = try batch.emitDeal(.updated, merged, state: &state)
        return DealWrittenDeal(deal: merged, bytes: bytes)
    }

    /// Deletes a deal and returns the revision of the deletion.
    ///
    /// Refused with ``DealStoreError/Code/aborted`` when `expectedEtag` is set and stale.
    ///
    /// With an `executor`, the completion runs through it with the rest of its commit batch (see
    /// ``createDealSerialized(_:validateOnly:executor:completion:)``).
    public func deleteDeal(
        id: String,
        expectedEtag: String = "",
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<UInt64, DealStoreError>) -> Void
    ) {
        self.submit(
            executor: executor,
            { (state, batch) throws(DealStoreError) -> UInt64 in
                try Self.deleteDeal(id: id, etag: expectedEtag, state: &state, batch: &batch)
            },
            completion: completion
        )
    }

    /// Deletes a deal once durable; see ``deleteDeal(id:expectedEtag:completion:)``.
    @discardableResult
    public func deleteDeal(id: String, expectedEtag: String = "") async throws(DealStoreError) -> UInt64 {
        try await self.submit { (state, batch) throws(DealStoreError) -> UInt64 in
            try Self.deleteDeal(id: id, etag: expectedEtag, state: &state, batch: &batch)
        }
    }

    static func deleteDeal(
        id: String,
        etag: String,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> UInt64 {
        let old = try Self.storedDeal(id, state: state)
        try Self.checkEtag(etag, stored: old.meta.etag, what: "deal '\(id)'")
        var record = Dealstore_V1_DealRecord()
        record.deal = old
        try batch.emit(.deleted, record, state: &state)
        return batch.lastRevision
    }
}
