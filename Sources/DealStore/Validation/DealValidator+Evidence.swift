import DealModel

/// The evidence rules: a source's excerpts are well formed and uniquely named, and every evidence entry names a
/// field of the message that carries it and excerpts that exist on a source that message may cite.
///
/// A figure may cite an excerpt of one of its own sources, or of a source that reports one of them
/// (`derived_from_source_ids`): a figure sourced to a press release cites the article's sentence that quotes the
/// release. Records written before evidence existed have no excerpts and no evidence, so nothing here refuses them.
extension DealValidator {
    /// The excerpts of one record's sources: which source each excerpt is on, which source reports which.
    struct ExcerptIndex {
        /// Excerpt id → the id of the source it is on.
        var sourceOfExcerpt: [String: String] = [:]
        /// Source id → the ids of the sources it reports, quotes or adapts.
        var derivedFrom: [String: [String]] = [:]

        /// Whether an excerpt on `source` may support a figure whose sources are `citing` (empty: any source).
        func source(_ source: String, supports citing: [String]) -> Bool {
            if citing.isEmpty || citing.contains(source) { return true }
            return self.derivedFrom[source]?.contains(where: citing.contains) ?? false
        }
    }

    /// The proto field names evidence may name, per message that carries evidence.
    enum EvidenceFields {
        static let deal = [
            "target_id", "type", "status", "title", "announced", "closed", "amount", "commitment_cap", "notes",
            "share_acquired", "listing",
        ]
        static let participation = ["investor_id", "role", "committed", "stake"]
        static let tranche = ["investor_id", "amount", "kind", "due", "condition", "status"]
        static let option = ["holder_id", "maximum", "expires", "exercised_by_tranche_id", "condition"]
        static let valuation = ["kind", "amount", "as_of", "approximate"]
        static let strategicTerm = ["kind", "party_id", "value", "description", "since"]
        static let source = ["publisher", "url", "title", "published", "language", "derived_from_source_ids"]
        static let disputedClaim = ["field", "claimed_value", "accepted_value", "explanation", "claimed", "resolution"]
        static let fact = ["property", "value", "amount", "date", "approximate"]
    }

    /// Checks the sources of a record (ids, dates, excerpts, what each derives from) and indexes their excerpts.
    ///
    /// `field` is the path of the sources list: "sources" in a deal and in an organization.
    static func checkSources(
        _ sources: [Dealstore_V1_Source],
        field: @autoclosure () -> String
    ) throws(DealStoreError) -> (ids: Set<String>, excerpts: ExcerptIndex) {
        let ids = try Self.checkUnique(sources.map(\.id), field: field())
        var index = ExcerptIndex()
        for (sourceIndex, source) in sources.enumerated() {
            func path() -> String { "\(field())[\(sourceIndex)]" }
            if source.hasPublished { try Self.checkDate(source.published, field: path() + ".published") }
            for (derivedIndex, other) in source.derivedFromSourceIds.enumerated() {
                func derivedPath() -> String { "\(path()).derived_from_source_ids[\(derivedIndex)]" }
                if other == source.id {
                    throw .invalid(derivedPath(), "a source cannot derive from itself")
                }
                if !ids.contains(other) {
                    throw .invalid(derivedPath(), "unknown source '\(other)': list it in sources first")
                }
            }
            if !source.derivedFromSourceIds.isEmpty { index.derivedFrom[source.id] = source.derivedFromSourceIds }
            for (excerptIndex, excerpt) in source.excerpts.enumerated() {
                func excerptPath() -> String { "\(path()).excerpts[\(excerptIndex)]" }
                try Self.checkID(excerpt.id, field: excerptPath() + ".id")
                if let other = index.sourceOfExcerpt[excerpt.id] {
                    throw .invalid(
                        excerptPath() + ".id",
                        "duplicate excerpt id '\(excerpt.id)' (also on source '\(other)'): excerpt ids are unique "
                            + "within a record, across its sources"
                    )
                }
                index.sourceOfExcerpt[excerpt.id] = source.id
                if excerpt.text.allSatisfy(\.isWhitespace) {
                    throw .invalid(excerptPath() + ".text", "is required: the source's own words, verbatim")
                }
                if excerpt.paragraph < 0 || excerpt.sentence < 0 {
                    throw .invalid(excerptPath(), "paragraph and sentence count from 1 (0 when unknown), never below")
                }
                if excerpt.sentence > 0 && excerpt.paragraph == 0 {
                    throw .invalid(excerptPath() + ".paragraph", "is required when sentence is given")
                }
            }
        }
        // A source's own evidence (its date, its publisher) cites its own excerpts or a reporting source's.
        for (sourceIndex, source) in sources.enumerated() {
            try Self.checkEvidence(
                source.evidence,
                fields: EvidenceFields.source,
                citing: [source.id],
                index: index,
                field: "\(field())[\(sourceIndex)].evidence"
            )
        }
        return (ids, index)
    }

    /// Checks evidence entries: each names an allowed field once and cites existing excerpts the carrier may cite.
    ///
    /// `citing` are the carrier's sources (its `source_ids`, a claim's `source_id`); empty lets it cite any
    /// source of the record.
    static func checkEvidence(
        _ evidence: [Dealstore_V1_Evidence],
        fields: [String],
        citing: [String],
        index: ExcerptIndex,
        field: @autoclosure () -> String
    ) throws(DealStoreError) {
        var named: Set<String> = []
        for (entryIndex, entry) in evidence.enumerated() {
            func path() -> String { "\(field())[\(entryIndex)]" }
            if entry.field.isEmpty {
                throw .invalid(
                    path() + ".field",
                    "is required: name the field the excerpts support (one of \(fields.joined(separator: ", ")))"
                )
            }
            if !fields.contains(entry.field) {
                throw .invalid(
                    path() + ".field",
                    "'\(entry.field)' is not a field evidence can support here: use one of "
                        + fields.joined(separator: ", ")
                )
            }
            if !named.insert(entry.field).inserted {
                throw .invalid(
                    path() + ".field",
                    "duplicate evidence for '\(entry.field)': list all of its excerpts in one entry"
                )
            }
            if entry.excerptIds.isEmpty {
                throw .invalid(path() + ".excerpt_ids", "is empty: cite at least one excerpt id")
            }
            for (idIndex, id) in entry.excerptIds.enumerated() {
                guard let source = index.sourceOfExcerpt[id] else {
                    throw .invalid(
                        "\(path()).excerpt_ids[\(idIndex)]",
                        "unknown excerpt '\(id)': add it to the excerpts of one of the record's sources"
                    )
                }
                if !index.source(source, supports: citing) {
                    throw .invalid(
                        "\(path()).excerpt_ids[\(idIndex)]",
                        "excerpt '\(id)' is on source '\(source)', which is not among this entry's sources ("
                            + citing.joined(separator: ", ")
                            + ") nor reports one of them: cite an excerpt of those sources or add '\(source)'"
                    )
                }
            }
        }
    }

    /// Checks an organization's sources and facts; the organization's other fields are checked by the caller.
    static func checkFacts(_ organization: Dealstore_V1_Organization) throws(DealStoreError) {
        let (sources, index) = try Self.checkSources(organization.sources, field: "sources")
        _ = try Self.checkUnique(organization.facts.map(\.id), field: "facts")
        for (factIndex, fact) in organization.facts.enumerated() {
            func path() -> String { "facts[\(factIndex)]" }
            if fact.property.isEmpty {
                throw .invalid(path() + ".property", "is required: what the fact is about, e.g. founded")
            }
            if fact.value.allSatisfy(\.isWhitespace) {
                throw .invalid(path() + ".value", "is required: the fact, in English")
            }
            if fact.hasAmount { try Self.checkMoney(fact.amount, field: path() + ".amount") }
            if fact.hasDate { try Self.checkDate(fact.date, field: path() + ".date") }
            try Self.checkSources(fact.sourceIds, known: sources, field: path() + ".source_ids")
            try Self.checkEvidence(
                fact.evidence,
                fields: EvidenceFields.fact,
                citing: fact.sourceIds,
                index: index,
                field: path() + ".evidence"
            )
        }
    }
}
