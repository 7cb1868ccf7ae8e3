public import DealModel
import HashTreeCollections
import SwiftProtobuf

/// What ``DealStore/mergeOrganizations(_:into:sourceEtag:targetEtag:validateOnly:executor:completion:)`` did.
public struct DealMergeResult: Sendable {
    /// The surviving organization as stored after the merge (its `merged_ids` name the merged one).
    public var organization: Dealstore_V1_Organization
    /// The deals whose references were rewritten from the merged organization to the survivor, in id order.
    public var updatedDealIDs: [String]
    /// The persons whose affiliations were rewritten, in id order.
    public var updatedOrganizationIDs: [String]
    /// The revision of the last change of the merge (0 for a validate-only merge).
    public var revision: UInt64
}

extension DealStore {
    /// Merges organization `sourceID` into `targetID` in one durable write, leaving a redirect.
    ///
    /// Every deal that refers to the source (target, investor, tranche investor, option holder, strategic-term
    /// party) and every person affiliated with it is rewritten to the survivor; the source is deleted (its change
    /// event carries `merged_into_id`); the survivor takes the source's name and aliases as aliases, its former
    /// names, domains, industries, investor types, sources and facts, the context it lacks, and the source's id
    /// (and the ids merged into the source before) in `merged_ids`, so every old id keeps resolving in Get, List,
    /// filters and new references. The survivor's own values win where both have one.
    ///
    /// Ids only (not names): a merge is not undone by a single write, so it names exactly what it merges. Refused
    /// with ``DealStoreError/Code/failedPrecondition`` when a person would merge with a non-person or when the
    /// two organizations' sources or facts share an id, and with ``DealStoreError/Code/aborted`` on a stale etag.
    public func mergeOrganizations(
        _ sourceID: String,
        into targetID: String,
        sourceEtag: String = "",
        targetEtag: String = "",
        validateOnly: Bool = false,
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<DealMergeResult, DealStoreError>) -> Void
    ) {
        self.write(
            .mergeOrganizations(
                sourceID,
                into: targetID,
                sourceEtag: sourceEtag,
                targetEtag: targetEtag,
                validateOnly: validateOnly
            ),
            answer: .record,
            executor: executor,
            completion: completion
        )
    }

    /// Merges two organizations once durable; see
    /// ``mergeOrganizations(_:into:sourceEtag:targetEtag:validateOnly:executor:completion:)``.
    @discardableResult
    public func mergeOrganizations(
        _ sourceID: String,
        into targetID: String,
        sourceEtag: String = "",
        targetEtag: String = "",
        validateOnly: Bool = false
    ) async throws(DealStoreError) -> DealMergeResult {
        try await self.write(
            .mergeOrganizations(
                sourceID,
                into: targetID,
                sourceEtag: sourceEtag,
                targetEtag: targetEtag,
                validateOnly: validateOnly
            ),
            answer: .record
        )
    }

    // swift-format-ignore: FunctionBodyLength
    static func mergeOrganizations(
        _ sourceID: String,
        into targetID: String,
        etags: (source: String, target: String),
        validateOnly: Bool,
        state: inout DealStoreState,
        batch: inout DealWriteBatch
    ) throws(DealStoreError) -> DealMergeResult {
        if sourceID.isEmpty { throw .invalid("source_id", "is required: the id of the organization merged away") }
        if targetID.isEmpty { throw .invalid("target_id", "is required: the id of the organization that stays") }
        guard let source = state.organizations[sourceID] else {
            throw DealStoreError(code: .notFound, message: Self.mergeNotFound(sourceID, field: "source_id", state))
        }
        guard let survivor = state.organizations[targetID] else {
            throw DealStoreError(code: .notFound, message: Self.mergeNotFound(targetID, field: "target_id", state))
        }
        if sourceID == targetID { throw .invalid("target_id", "'\(targetID)' cannot be merged into itself") }
        try Self.checkEtag(etags.source, stored: source.meta.etag, what: "organization '\(sourceID)'")
        try Self.checkEtag(etags.target, stored: survivor.meta.etag, what: "organization '\(targetID)'")
        if (source.kind == .person) != (survivor.kind == .person) {
            throw DealStoreError(
                code: .failedPrecondition,
                message: "'\(sourceID)' and '\(targetID)' are not both persons: a person merges only with a person"
            )
        }
        var merged = try Self.mergedOrganization(source, into: survivor)

        // Deals: every reference to the source becomes the survivor.
        var deals: [Dealstore_V1_Deal] = []
        for entry in state.deals.values where entry.references.contains(sourceID) {
            var deal = try Self.decodeDeal(entry.bytes)
            Self.redirect(&deal, from: sourceID, to: targetID)
            deals.append(deal)
        }
        deals.sort { $0.id < $1.id }
        // Persons affiliated with the source.
        var persons: [Dealstore_V1_Organization] = []
        for organization in state.organizations.values
        where organization.id != sourceID && organization.id != targetID
            && organization.affiliations.contains(where: { $0.organizationID == sourceID })
        {
            var person = organization
            for index in person.affiliations.indices where person.affiliations[index].organizationID == sourceID {
                person.affiliations[index].organizationID = targetID
            }
            persons.append(person)
        }
        persons.sort { $0.id < $1.id }
        for index in merged.affiliations.indices where merged.affiliations[index].organizationID == sourceID {
            merged.affiliations[index].organizationID = targetID
        }

        let validator = DealValidator(state: state)
        for index in deals.indices {
            do throws(DealStoreError) {
                try validator.validate(&deals[index])
            } catch {
                throw DealStoreError(
                    code: .failedPrecondition,
                    message: "deal '\(deals[index].id)' would be invalid after the merge (\(error.message)): "
                        + "update it first",
                    cause: error
                )
            }
        }
        // Everything is checked before the first change is applied: a write applies each change to the state as it
        // emits it, so nothing may fail half-way. The survivor is checked against the state without the source,
        // whose names become its aliases.
        var without = state
        without.removeOrganization(id: sourceID)
        try DealValidator(state: without).validate(&merged)
        if let bytes: [UInt8] = try? merged.serializedBytes(), bytes.count > DealRecordLimit.maximumRecordSize - 4_096 {
            throw DealRecordLimit.tooLarge(bytes.count, what: "organization '\(targetID)' after the merge")
        }
        if validateOnly {
            return DealMergeResult(
                organization: merged,
                updatedDealIDs: deals.map(\.id),
                updatedOrganizationIDs: persons.map(\.id),
                revision: 0
            )
        }
        for var deal in deals {
            deal.meta = Self.meta(revision: state.revision + 1, created: deal.meta, time: batch.timeMicros)
            _ = try batch.emitDeal(.updated, deal, state: &state)
        }
        for var person in persons {
            person.meta = Self.meta(revision: state.revision + 1, created: person.meta, time: batch.timeMicros)
            var record = Dealstore_V1_DealRecord()
            record.organization = person
            try batch.emit(.updated, record, state: &state)
        }
        // The source goes first, so that its names and id are free for the survivor to take.
        var gone = Dealstore_V1_DealRecord()
        gone.organization = source
        try batch.emit(.deleted, gone, mergedInto: targetID, state: &state)
        merged.meta = Self.meta(revision: state.revision + 1, created: survivor.meta, time: batch.timeMicros)
        var record = Dealstore_V1_DealRecord()
        record.organization = merged
        try batch.emit(.updated, record, state: &state)
        return DealMergeResult(
            organization: merged,
            updatedDealIDs: deals.map(\.id),
            updatedOrganizationIDs: persons.map(\.id),
            revision: batch.lastRevision
        )
    }

    static func mergeNotFound(_ key: String, field: String, _ state: DealStoreState) -> String {
        if let resolved = state.resolveOrganization(key) {
            return "\(field): no organization has id '\(key)'; it resolves to '\(resolved)': a merge names ids"
        }
        return "\(field): organization '\(key)' not found"
    }

    /// The survivor with what the source adds to it.
    static func mergedOrganization(
        _ source: Dealstore_V1_Organization,
        into survivor: Dealstore_V1_Organization
    ) throws(DealStoreError) -> Dealstore_V1_Organization {
        var merged = survivor
        var taken = Set(DealStoreState.lookupKeys(of: survivor))
        func addNames(_ names: [String], to list: inout [String]) {
            for name in names where !name.isEmpty && taken.insert(name.lowercased()).inserted {
                list.append(name)
            }
        }
        addNames([source.name] + source.aliases, to: &merged.aliases)
        addNames(source.formerNames, to: &merged.formerNames)
        for domain in source.domains where taken.insert(domain).inserted { merged.domains.append(domain) }
        for id in [source.id] + source.mergedIds where !merged.mergedIds.contains(id) { merged.mergedIds.append(id) }
        for industry in source.industries where !merged.industries.contains(industry) {
            merged.industries.append(industry)
        }
        for type in source.investorTypes where !merged.investorTypes.contains(type) {
            merged.investorTypes.append(type)
        }
        for (system, identifier) in source.externalIds where merged.externalIds[system] == nil {
            merged.externalIds[system] = identifier
        }
        if merged.description_p.isEmpty { merged.description_p = source.description_p }
        if merged.website.isEmpty { merged.website = source.website }
        if !merged.hasHeadquarters && source.hasHeadquarters { merged.headquarters = source.headquarters }
        if !merged.hasFounded && source.hasFounded { merged.founded = source.founded }
        if merged.kind == .unspecified { merged.kind = source.kind }
        // Sources, their excerpts and facts keep their ids (evidence cites them): a clash cannot be resolved here.
        let sourceIDs = Set(merged.sources.map(\.id))
        let excerptIDs = Set(merged.sources.flatMap { $0.excerpts.map(\.id) })
        let factIDs = Set(merged.facts.map(\.id))
        for item in source.sources {
            if sourceIDs.contains(item.id) {
                throw Self.mergeClash("source", item.id, source.id, survivor.id)
            }
            if let excerpt = item.excerpts.first(where: { excerptIDs.contains($0.id) }) {
                throw Self.mergeClash("excerpt", excerpt.id, source.id, survivor.id)
            }
        }
        if let fact = source.facts.first(where: { factIDs.contains($0.id) }) {
            throw Self.mergeClash("fact", fact.id, source.id, survivor.id)
        }
        merged.sources += source.sources
        merged.facts += source.facts
        // Claims on the source are about the merged organization now (issue 18 part 6): kept, with their accepted
        // value taken afresh from the survivor by validation (the survivor's own values win).
        let claimIDs = Set(merged.disputedClaims.map(\.id))
        if let claim = source.disputedClaims.first(where: { claimIDs.contains($0.id) }) {
            throw Self.mergeClash("disputed claim", claim.id, source.id, survivor.id)
        }
        merged.disputedClaims += source.disputedClaims.map { claim in
            var claim = claim
            claim.clearAccepted()
            claim.acceptedValue = ""
            return claim
        }
        for affiliation in source.affiliations
        where !merged.affiliations.contains(where: {
            $0.organizationID == affiliation.organizationID && $0.role == affiliation.role
        }) {
            merged.affiliations.append(affiliation)
        }
        return merged
    }

    static func mergeClash(_ what: String, _ id: String, _ source: String, _ target: String) -> DealStoreError {
        DealStoreError(
            code: .failedPrecondition,
            message: "'\(source)' and '\(target)' both have a \(what) with id '\(id)': rename it in one of them first"
        )
    }

    /// Rewrites every organization reference of `deal` from `old` to `new`.
    static func redirect(_ deal: inout Dealstore_V1_Deal, from old: String, to new: String) {
        if deal.targetID == old { deal.targetID = new }
        for index in deal.participations.indices where deal.participations[index].investorID == old {
            deal.participations[index].investorID = new
        }
        for index in deal.tranches.indices where deal.tranches[index].investorID == old {
            deal.tranches[index].investorID = new
        }
        for index in deal.options.indices where deal.options[index].holderID == old {
            deal.options[index].holderID = new
        }
        for index in deal.strategicTerms.indices where deal.strategicTerms[index].partyID == old {
            deal.strategicTerms[index].partyID = new
        }
        // Typed claims name organizations too: they follow the record, else the accepted value would disagree.
        for index in deal.disputedClaims.indices {
            if deal.disputedClaims[index].claimed.organizationID == old {
                deal.disputedClaims[index].claimed.organizationID = new
            }
            if deal.disputedClaims[index].accepted.organizationID == old {
                deal.disputedClaims[index].accepted.organizationID = new
            }
        }
    }
}

extension DealWriteBatch {
    /// ``emit(_:_:state:)`` for the deletion of an organization merged into `survivor`: the change event names it
    /// in `merged_into_id`, so a watcher learns where the old id now leads.
    mutating func emit(
        _ kind: Dealstore_V1_ChangeKind,
        _ record: Dealstore_V1_DealRecord,
        mergedInto survivor: String,
        state: inout DealStoreState
    ) throws(DealStoreError) {
        var event = Dealstore_V1_ChangeEvent()
        event.revision = state.revision + 1
        event.kind = kind
        event.record = record
        event.timeMicros = self.timeMicros
        event.mergedIntoID = survivor
        do {
            let payload: [UInt8] = try event.serializedBytes()
            if payload.count > DealRecordLimit.maximumRecordSize {
                throw DealRecordLimit.tooLarge(payload.count, what: "change \(event.revision)")
            }
            try state.apply(event)
            DealLogFrame.append(payload, to: &self.frames)
        } catch let error as DealStoreError {
            throw error
        } catch {
            throw DealStoreError(code: .internal, message: "cannot encode change \(event.revision)", cause: error)
        }
        self.count += 1
        self.lastRevision = event.revision
    }
}

extension DealWrite where Record == DealMergeResult {
    /// Merges organization `sourceID` into `targetID`; see
    /// ``DealStore/mergeOrganizations(_:into:sourceEtag:targetEtag:validateOnly:executor:completion:)``.
    public static func mergeOrganizations(
        _ sourceID: String,
        into targetID: String,
        sourceEtag: String = "",
        targetEtag: String = "",
        validateOnly: Bool = false
    ) -> Self {
        Self { (state, batch) throws(DealStoreError) in
            let merge = try DealStore.mergeOrganizations(
                sourceID,
                into: targetID,
                etags: (sourceEtag, targetEtag),
                validateOnly: validateOnly,
                state: &state,
                batch: &batch
            )
            return DealWritten(record: merge, revision: merge.revision)
        }
    }
}
