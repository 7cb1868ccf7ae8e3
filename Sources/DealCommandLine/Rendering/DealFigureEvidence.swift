public import DealModel

/// One figure of a record (a deal's amount, a tranche's due date, a claim's claimed value) with the quotes that
/// support it, resolved from the record's sources.
public struct DealFigureEvidence: Sendable, Equatable {
    /// One excerpt a figure cites, with the source it is on.
    public struct Quote: Sendable, Equatable {
        /// The id of the source the excerpt is on.
        public var sourceID: String
        /// The excerpt: verbatim text, English rendering, paragraph and sentence.
        public var excerpt: Dealstore_V1_Excerpt
    }

    /// The record the figure belongs to: a deal or organization id.
    public var recordID: String
    /// Which part of the record: "deal", "tranche initial", "claim reversed-bets".
    public var item: String
    /// The field's proto name: "amount", "due", "claimed_value".
    public var field: String
    /// The field's value as people read it: "$1.25B", "Q1 2024", "openai".
    public var value: String
    /// How the value follows from the quotes, when it is not literally in them.
    public var inference: String
    /// The quotes, in the order the evidence cites them.
    public var quotes: [Quote]
    /// The ids of sources the item lists (`source_ids`, a claim's `source_id`); empty for the deal's own fields.
    public var sourceIDs: [String]

    /// "tranche initial: amount".
    public var figure: String { self.item + ": " + self.field }

    /// Every figure with evidence in `deal`, in the order of the detail view (deal, participations, tranches,
    /// options, valuations, terms, claims, sources).
    public static func all(in deal: Dealstore_V1_Deal) -> [DealFigureEvidence] {
        var figures: [DealFigureEvidence] = []
        let excerpts = Self.excerpts(of: deal.sources)
        func add(
            _ item: String,
            _ evidence: [Dealstore_V1_Evidence],
            _ sources: [String],
            _ value: (String) -> String
        ) {
            for entry in evidence {
                figures.append(
                    DealFigureEvidence(
                        recordID: deal.id,
                        item: item,
                        field: entry.field,
                        value: value(entry.field),
                        inference: entry.inference,
                        quotes: entry.excerptIds.compactMap { excerpts[$0] },
                        sourceIDs: sources
                    )
                )
            }
        }
        add("deal", deal.evidence, []) { field in
            switch field {
            case "amount": DealViews.money(deal.amount)
            case "commitment_cap": DealViews.money(deal.commitmentCap)
            case "announced": DealDateFormatter.format(deal.announced)
            case "closed": DealDateFormatter.format(deal.closed)
            case "status": DealEnumNames.name(deal.status)
            case "type": DealEnumNames.name(deal.type)
            case "target_id": deal.targetID
            case "title": deal.title
            case "notes": deal.notes
            default: ""
            }
        }
        for participation in deal.participations {
            add("participation \(participation.investorID)", participation.evidence, participation.sourceIds) {
                switch $0 {
                case "committed": DealViews.money(participation.committed)
                case "stake": DealViews.percentage(participation.stake)
                case "investor_id": participation.investorID
                case "role": DealEnumNames.name(participation.role)
                default: ""
                }
            }
        }
        for tranche in deal.tranches {
            add("tranche \(tranche.id)", tranche.evidence, tranche.sourceIds) {
                switch $0 {
                case "amount": DealViews.money(tranche.amount)
                case "due": DealDateFormatter.format(tranche.due)
                case "status": DealEnumNames.name(tranche.status)
                case "kind": DealEnumNames.name(tranche.kind)
                case "condition": tranche.condition
                case "investor_id": tranche.investorID
                default: ""
                }
            }
        }
        for option in deal.options {
            add("option \(option.id)", option.evidence, option.sourceIds) {
                switch $0 {
                case "maximum": DealViews.money(option.maximum)
                case "expires": DealDateFormatter.format(option.expires)
                case "exercised_by_tranche_id": option.exercisedByTrancheID
                case "condition": option.condition
                case "holder_id": option.holderID
                default: ""
                }
            }
        }
        for (index, valuation) in deal.valuations.enumerated() {
            add("valuation \(index + 1)", valuation.evidence, valuation.sourceIds) {
                switch $0 {
                case "amount": (valuation.approximate ? "~" : "") + DealViews.money(valuation.amount)
                case "as_of": DealDateFormatter.format(valuation.asOf)
                case "kind": DealEnumNames.name(valuation.kind)
                case "approximate": valuation.approximate ? "yes" : "no"
                default: ""
                }
            }
        }
        for term in deal.strategicTerms {
            add("term \(term.value)", term.evidence, term.sourceIds) {
                switch $0 {
                case "value": term.value
                case "since": DealDateFormatter.format(term.since)
                case "description": term.description_p
                case "kind": DealEnumNames.name(term.kind)
                case "party_id": term.partyID
                default: ""
                }
            }
        }
        for claim in deal.disputedClaims {
            add("claim \(claim.id)", claim.evidence, [claim.sourceID]) {
                switch $0 {
                case "claimed_value": "\(claim.field) = \(claim.claimedValue)"
                case "accepted_value": "\(claim.field) = \(claim.acceptedValue)"
                case "field": claim.field
                case "explanation": claim.explanation
                default: ""
                }
            }
        }
        for source in deal.sources {
            add("source \(source.id)", source.evidence, [source.id]) { Self.value(of: source, $0) }
        }
        return figures
    }

    /// Every fact of `organization` with its evidence, then its sources' own evidence.
    public static func all(in organization: Dealstore_V1_Organization) -> [DealFigureEvidence] {
        let excerpts = Self.excerpts(of: organization.sources)
        var figures: [DealFigureEvidence] = []
        for fact in organization.facts {
            for entry in fact.evidence {
                let value =
                    switch entry.field {
                    case "value": fact.value
                    case "amount": (fact.approximate ? "~" : "") + DealViews.money(fact.amount)
                    case "date": DealDateFormatter.format(fact.date)
                    case "property": fact.property
                    default: ""
                    }
                figures.append(
                    DealFigureEvidence(
                        recordID: organization.id,
                        item: "fact \(fact.id)",
                        field: entry.field,
                        value: value,
                        inference: entry.inference,
                        quotes: entry.excerptIds.compactMap { excerpts[$0] },
                        sourceIDs: fact.sourceIds
                    )
                )
            }
        }
        for source in organization.sources {
            for entry in source.evidence {
                figures.append(
                    DealFigureEvidence(
                        recordID: organization.id,
                        item: "source \(source.id)",
                        field: entry.field,
                        value: Self.value(of: source, entry.field),
                        inference: entry.inference,
                        quotes: entry.excerptIds.compactMap { excerpts[$0] },
                        sourceIDs: [source.id]
                    )
                )
            }
        }
        return figures
    }

    /// The figures of `deal` that are set but cite no excerpt, as "item: field" ("tranche t1: amount"): amounts,
    /// stakes, dates, statuses, option terms, strategic-term values and claimed values.
    public static func unsupported(in deal: Dealstore_V1_Deal) -> [String] {
        var missing: [String] = []
        func need(_ item: String, _ evidence: [Dealstore_V1_Evidence], _ fields: [(String, Bool)]) {
            let named = Set(evidence.filter { !$0.excerptIds.isEmpty }.map(\.field))
            for (field, isSet) in fields where isSet && !named.contains(field) { missing.append("\(item): \(field)") }
        }
        need(
            "deal",
            deal.evidence,
            [
                ("amount", deal.hasAmount), ("commitment_cap", deal.hasCommitmentCap),
                ("announced", deal.hasAnnounced), ("closed", deal.hasClosed), ("status", deal.status != .unspecified),
            ]
        )
        for item in deal.participations {
            need(
                "participation \(item.investorID)",
                item.evidence,
                [("committed", item.hasCommitted), ("stake", item.hasStake)]
            )
        }
        for item in deal.tranches {
            need(
                "tranche \(item.id)",
                item.evidence,
                [("amount", item.hasAmount), ("due", item.hasDue), ("status", item.status != .unspecified)]
            )
        }
        for item in deal.options {
            need(
                "option \(item.id)",
                item.evidence,
                [
                    ("maximum", item.hasMaximum), ("expires", item.hasExpires),
                    ("exercised_by_tranche_id", !item.exercisedByTrancheID.isEmpty),
                ]
            )
        }
        for (index, item) in deal.valuations.enumerated() {
            need("valuation \(index + 1)", item.evidence, [("amount", item.hasAmount), ("as_of", item.hasAsOf)])
        }
        for item in deal.strategicTerms {
            need("term \(item.value)", item.evidence, [("value", true), ("since", item.hasSince)])
        }
        for item in deal.disputedClaims {
            need("claim \(item.id)", item.evidence, [("claimed_value", true)])
        }
        return missing
    }

    static func value(of source: Dealstore_V1_Source, _ field: String) -> String {
        switch field {
        case "publisher": source.publisher
        case "published": DealDateFormatter.format(source.published)
        case "title": source.title
        case "url": source.url
        case "language": source.language
        case "derived_from_source_ids": source.derivedFromSourceIds.joined(separator: ", ")
        default: ""
        }
    }

    /// The excerpts of `sources` by id (the first when, against the validator's rule, an id repeats).
    static func excerpts(of sources: [Dealstore_V1_Source]) -> [String: Quote] {
        var quotes: [String: Quote] = [:]
        for source in sources {
            for excerpt in source.excerpts where quotes[excerpt.id] == nil {
                quotes[excerpt.id] = Quote(sourceID: source.id, excerpt: excerpt)
            }
        }
        return quotes
    }

    /// "paragraph 2, sentence 1"; empty when the excerpt gives no location.
    public static func location(_ excerpt: Dealstore_V1_Excerpt) -> String {
        guard excerpt.paragraph > 0 else { return "" }
        return excerpt.sentence > 0
            ? "paragraph \(excerpt.paragraph), sentence \(excerpt.sentence)" : "paragraph \(excerpt.paragraph)"
    }
}
