import DealModel
import Foundation

/// Typed disputed claims and participation ids (issue 18 part 6).
///
/// A claim with `claimed` set is typed: its `field` is a path into the record that names list elements by id
/// (`participations[amazon].committed`), the path must name a field a claim may dispute, the claimed value must
/// have that field's type, and the accepted value is the record's own value at the path (filled in when absent,
/// refused when it disagrees), so a stored claim never carries a stale copy of the record. A claim without
/// `claimed` is untyped, as every claim was before: its strings and free `field` are stored as they were.
extension DealValidator {
    /// The type of a field a claim may dispute.
    enum ClaimKind: String {
        case money
        case text
        case date
        case fraction
        case organization = "organization id"
    }

    /// What a claim's path names: the field's type and the record's value there (nil when the record has none).
    struct ClaimTarget {
        var kind: ClaimKind
        var current: Dealstore_V1_ClaimValue?
    }

    /// One segment of a claim path: a field name and, for a list, the id of the element.
    struct ClaimPathSegment: Equatable {
        var name: String
        var elementID: String?
    }

    /// The deal fields a typed claim may dispute, for messages.
    static let dealClaimPaths = [
        "target_id", "title", "round_label", "amount", "commitment_cap", "announced", "closed", "share_acquired",
        "participations[<id>].investor_id", "participations[<id>].committed", "participations[<id>].stake",
        "tranches[<id>].investor_id", "tranches[<id>].amount", "tranches[<id>].due", "options[<id>].holder_id",
        "options[<id>].maximum", "options[<id>].expires",
    ]

    /// The organization fields a typed claim may dispute, for messages.
    static let organizationClaimPaths = [
        "name", "website", "founded", "headquarters.country_code", "headquarters.city", "facts[<id>].value",
        "facts[<id>].amount", "facts[<id>].date",
    ]

    // MARK: Participation ids

    /// Gives every participation without an id one: its investor id, then "<investor>-2", "-3"... (cut to fit the
    /// 63-byte id pattern), never one already taken in the deal; checks the given ones.
    ///
    /// Why from the investor: an update that sends participations without their ids gets the same ids again, so
    /// claims naming `participations[amazon]` keep naming the same participation.
    static func assignParticipationIDs(_ deal: inout Dealstore_V1_Deal) throws(DealStoreError) {
        var taken: Set<String> = []
        for (index, participation) in deal.participations.enumerated() where !participation.id.isEmpty {
            try Self.checkID(participation.id, field: "participations[\(index)].id")
            if !taken.insert(participation.id).inserted {
                throw .invalid("participations[\(index)].id", "duplicate id '\(participation.id)'")
            }
        }
        for index in deal.participations.indices where deal.participations[index].id.isEmpty {
            let base = deal.participations[index].investorID
            var candidate = base
            var suffix = 2
            while taken.contains(candidate) {
                let tail = "-\(suffix)"
                // Ids are ASCII, so characters are bytes here.
                candidate = String(base.prefix(63 - tail.count))
                while candidate.hasSuffix("-") { candidate.removeLast() }
                candidate += tail
                suffix += 1
            }
            taken.insert(candidate)
            deal.participations[index].id = candidate
        }
    }

    // MARK: Deals

    /// Checks the deal's typed claims against the deal (already validated, references resolved) and fills in
    /// their accepted values, statuses, resolution times and untyped renderings.
    func checkClaims(_ deal: inout Dealstore_V1_Deal) throws(DealStoreError) {
        let now = Self.nowMicros()
        for index in deal.disputedClaims.indices where deal.disputedClaims[index].hasClaimed {
            let field = "disputed_claims[\(index)]"
            let path = try Self.parseClaimPath(deal.disputedClaims[index].field, field: field + ".field")
            let target = try Self.claimTarget(path, in: deal, field: field + ".field")
            try self.complete(&deal.disputedClaims[index], target: target, field: field, now: now)
        }
    }

    /// The deal field a parsed path names, with its type and the deal's value.
    // swift-format-ignore: CyclomaticComplexity
    static func claimTarget(
        _ path: [ClaimPathSegment],
        in deal: Dealstore_V1_Deal,
        field: String
    ) throws(DealStoreError) -> ClaimTarget {
        let text = Self.render(path)
        func unknown() -> DealStoreError {
            .invalid(
                field,
                "'\(text)' is not a deal field a claim can dispute: use one of "
                    + Self.dealClaimPaths.joined(separator: ", ")
            )
        }
        switch (path.count, path.first?.elementID) {
        case (1, nil):
            switch path[0].name {
            case "target_id": return ClaimTarget(kind: .organization, current: .organization(deal.targetID))
            case "title": return ClaimTarget(kind: .text, current: .text(deal.title))
            case "round_label": return ClaimTarget(kind: .text, current: .text(deal.roundLabel))
            case "amount": return ClaimTarget(kind: .money, current: deal.hasAmount ? .money(deal.amount) : nil)
            case "commitment_cap":
                return ClaimTarget(kind: .money, current: deal.hasCommitmentCap ? .money(deal.commitmentCap) : nil)
            case "announced":
                return ClaimTarget(kind: .date, current: deal.hasAnnounced ? .date(deal.announced) : nil)
            case "closed": return ClaimTarget(kind: .date, current: deal.hasClosed ? .date(deal.closed) : nil)
            case "share_acquired":
                return ClaimTarget(
                    kind: .fraction,
                    current: deal.hasShareAcquired ? .fraction(deal.shareAcquired) : nil
                )
            case "participations", "tranches", "options":
                throw .invalid(
                    field,
                    "'\(text)' names no element: name it by id and a field, e.g. \(path[0].name)[<id>].\(path[0].name == "options" ? "maximum" : "amount")"
                )
            default: throw unknown()
            }
        case (2, let id?):
            let member = path[1].name
            if path[1].elementID != nil { throw unknown() }
            switch path[0].name {
            case "participations":
                guard let item = deal.participations.first(where: { $0.id == id }) else {
                    throw Self.missingElement(
                        text,
                        list: "participations",
                        id: id,
                        known: deal.participations.map(\.id),
                        field: field
                    )
                }
                switch member {
                case "investor_id": return ClaimTarget(kind: .organization, current: .organization(item.investorID))
                case "committed":
                    return ClaimTarget(kind: .money, current: item.hasCommitted ? .money(item.committed) : nil)
                case "stake": return ClaimTarget(kind: .fraction, current: item.hasStake ? .fraction(item.stake) : nil)
                default: throw unknown()
                }
            case "tranches":
                guard let item = deal.tranches.first(where: { $0.id == id }) else {
                    throw Self.missingElement(
                        text,
                        list: "tranches",
                        id: id,
                        known: deal.tranches.map(\.id),
                        field: field
                    )
                }
                switch member {
                case "investor_id": return ClaimTarget(kind: .organization, current: .organization(item.investorID))
                case "amount": return ClaimTarget(kind: .money, current: item.hasAmount ? .money(item.amount) : nil)
                case "due": return ClaimTarget(kind: .date, current: item.hasDue ? .date(item.due) : nil)
                default: throw unknown()
                }
            case "options":
                guard let item = deal.options.first(where: { $0.id == id }) else {
                    throw Self.missingElement(
                        text,
                        list: "options",
                        id: id,
                        known: deal.options.map(\.id),
                        field: field
                    )
                }
                switch member {
                case "holder_id": return ClaimTarget(kind: .organization, current: .organization(item.holderID))
                case "maximum": return ClaimTarget(kind: .money, current: item.hasMaximum ? .money(item.maximum) : nil)
                case "expires": return ClaimTarget(kind: .date, current: item.hasExpires ? .date(item.expires) : nil)
                default: throw unknown()
                }
            default: throw unknown()
            }
        default:
            if path.count == 2, path[0].elementID == nil,
                ["participations", "tranches", "options"].contains(path[0].name)
            {
                throw .invalid(
                    field,
                    "'\(text)' does not say which element: name it by id, e.g. \(path[0].name)[<id>].\(path[1].name)"
                )
            }
            throw unknown()
        }
    }

    // MARK: Organizations

    /// Checks an organization's claims: only typed ones (claims on organizations are new), against the
    /// organization, with their source among its sources; fills them in as a deal's.
    func checkClaims(_ organization: inout Dealstore_V1_Organization) throws(DealStoreError) {
        try Self.checkCount(organization.disputedClaims.count, field: "disputed_claims")
        if organization.disputedClaims.isEmpty { return }
        _ = try Self.checkUnique(organization.disputedClaims.map(\.id), field: "disputed_claims")
        let (sources, excerpts) = try Self.checkSources(organization.sources, field: "sources")
        let now = Self.nowMicros()
        for index in organization.disputedClaims.indices {
            let field = "disputed_claims[\(index)]"
            let claim = organization.disputedClaims[index]
            if !claim.hasClaimed {
                throw .invalid(
                    field + ".claimed",
                    "is required: a claim on an organization states a typed value (money, text, date, fraction or "
                        + "organization id)"
                )
            }
            if !sources.contains(claim.sourceID) {
                throw .invalid(
                    field + ".source_id",
                    "unknown source '\(claim.sourceID)': a disputed claim needs its source"
                )
            }
            try Self.checkText(claim.explanation, field: field + ".explanation", limit: Self.maximumTextBytes)
            try Self.checkEvidence(
                claim.evidence,
                fields: EvidenceFields.disputedClaim,
                citing: [claim.sourceID],
                index: excerpts,
                field: field + ".evidence"
            )
            let path = try Self.parseClaimPath(claim.field, field: field + ".field")
            let target = try Self.claimTarget(path, in: organization, field: field + ".field")
            try self.complete(&organization.disputedClaims[index], target: target, field: field, now: now)
        }
    }

    static func claimTarget(
        _ path: [ClaimPathSegment],
        in organization: Dealstore_V1_Organization,
        field: String
    ) throws(DealStoreError) -> ClaimTarget {
        let text = Self.render(path)
        func unknown() -> DealStoreError {
            .invalid(
                field,
                "'\(text)' is not an organization field a claim can dispute: use one of "
                    + Self.organizationClaimPaths.joined(separator: ", ")
            )
        }
        let names = path.map(\.name)
        if path.count == 1, path[0].elementID == nil {
            switch names[0] {
            case "name": return ClaimTarget(kind: .text, current: .text(organization.name))
            case "website": return ClaimTarget(kind: .text, current: .text(organization.website))
            case "founded":
                return ClaimTarget(kind: .date, current: organization.hasFounded ? .date(organization.founded) : nil)
            default: throw unknown()
            }
        }
        if path.count == 2, names[0] == "headquarters", path[0].elementID == nil, path[1].elementID == nil {
            let headquarters = organization.headquarters
            switch names[1] {
            case "country_code": return ClaimTarget(kind: .text, current: .text(headquarters.countryCode))
            case "city": return ClaimTarget(kind: .text, current: .text(headquarters.city))
            default: throw unknown()
            }
        }
        if path.count == 2, names[0] == "facts", path[1].elementID == nil {
            guard let id = path[0].elementID else {
                throw .invalid(field, "'\(text)' does not say which fact: name it by id, e.g. facts[<id>].\(names[1])")
            }
            guard let fact = organization.facts.first(where: { $0.id == id }) else {
                throw Self.missingElement(
                    text,
                    list: "facts",
                    id: id,
                    known: organization.facts.map(\.id),
                    field: field
                )
            }
            switch names[1] {
            case "value": return ClaimTarget(kind: .text, current: .text(fact.value))
            case "amount": return ClaimTarget(kind: .money, current: fact.hasAmount ? .money(fact.amount) : nil)
            case "date": return ClaimTarget(kind: .date, current: fact.hasDate ? .date(fact.date) : nil)
            default: throw unknown()
            }
        }
        throw unknown()
    }

    // MARK: Shared rules

    /// Checks one typed claim's values and status against what its path names, and fills in what the store keeps:
    /// the accepted value (the record's), the status (OPEN), the resolution time, and the untyped strings (so a
    /// reader of `claimed_value` and `accepted_value` sees the typed values).
    func complete(
        _ claim: inout Dealstore_V1_DisputedClaim,
        target: ClaimTarget,
        field: String,
        now: Int64
    ) throws(DealStoreError) {
        try self.checkValue(&claim.claimed, kind: target.kind, field: field + ".claimed")
        let current = target.current.flatMap { Self.isEmpty($0) ? nil : $0 }
        if claim.hasAccepted {
            try self.checkValue(&claim.accepted, kind: target.kind, field: field + ".accepted")
            guard let current, Self.same(claim.accepted, current) else {
                let recorded = current.map(Self.render) ?? "nothing"
                throw .invalid(
                    field + ".accepted",
                    "\(Self.render(claim.accepted)) disagrees with the record, whose \(claim.field) is \(recorded): "
                        + "send the record's value as the accepted value, or leave it out and the store fills it in"
                )
            }
        } else if let current {
            claim.accepted = current
        }
        switch claim.status {
        case .unspecified: claim.status = .open
        case .open, .resolved: break
        case .UNRECOGNIZED(let value): throw .invalid(field + ".status", "unknown claim status \(value)")
        }
        if claim.status == .open {
            if !claim.resolvedBy.isEmpty || claim.resolvedTimeMicros != 0 || !claim.resolution.isEmpty {
                throw .invalid(
                    field + ".status",
                    "an OPEN claim has no resolved_by, resolved_time_micros or resolution: set status RESOLVED"
                )
            }
            if claim.hasAccepted, Self.same(claim.claimed, claim.accepted) {
                throw .invalid(
                    field + ".claimed",
                    "\(Self.render(claim.claimed)) is what the record already says: an open claim disputes the "
                        + "record (resolve the claim if the record now agrees with it)"
                )
            }
        } else {
            if claim.resolvedBy.allSatisfy(\.isWhitespace) {
                throw .invalid(field + ".resolved_by", "is required for a RESOLVED claim: who resolved it")
            }
            try Self.checkText(claim.resolvedBy, field: field + ".resolved_by", limit: Self.maximumNameBytes)
            try Self.checkText(claim.resolution, field: field + ".resolution", limit: Self.maximumTextBytes)
            if claim.resolvedTimeMicros < 0 {
                throw .invalid(field + ".resolved_time_micros", "must not be negative (microseconds since 1970)")
            }
            if claim.resolvedTimeMicros == 0 { claim.resolvedTimeMicros = now }
        }
        claim.claimedValue = Self.render(claim.claimed)
        claim.acceptedValue = claim.hasAccepted ? Self.render(claim.accepted) : ""
    }

    /// Checks that `value` has the type `kind` and is valid as such; an organization id is resolved (an id, name
    /// or alias) and rewritten to the id.
    func checkValue(
        _ value: inout Dealstore_V1_ClaimValue,
        kind: ClaimKind,
        field: String
    ) throws(DealStoreError) {
        switch (value.value, kind) {
        case (.money(let money), .money):
            try Self.checkMoney(money, field: field + ".money")
        case (.text(let text), .text):
            if text.allSatisfy(\.isWhitespace) { throw .invalid(field + ".text", "must not be empty") }
            try Self.checkText(text, field: field + ".text", limit: Self.maximumTextBytes)
        case (.date(let date), .date):
            try Self.checkDate(date, field: field + ".date")
        case (.fraction(let fraction), .fraction):
            if fraction.denominator <= 0 { throw .invalid(field + ".fraction.denominator", "must be positive") }
            if fraction.numerator < 0 || fraction.numerator > fraction.denominator {
                throw .invalid(field + ".fraction", "must be between 0 and 1")
            }
        case (.organizationID(let key), .organization):
            let id = try self.resolve(key, field: field + ".organization_id")
            if id != key { value.organizationID = id }
        case (nil, _):
            throw .invalid(field, "holds no value: give a \(kind.rawValue)")
        case (let other?, _):
            throw .invalid(
                field,
                "is a \(Self.kind(of: other).rawValue) but the field it disputes takes a \(kind.rawValue)"
            )
        }
    }

    static func kind(of value: Dealstore_V1_ClaimValue.OneOf_Value) -> ClaimKind {
        switch value {
        case .money: .money
        case .text: .text
        case .date: .date
        case .fraction: .fraction
        case .organizationID: .organization
        }
    }

    /// Whether two values of one type are the same value: amounts by currency and exact amount, fractions by
    /// value (1/2 is 2/4), dates and text exactly.
    static func same(_ left: Dealstore_V1_ClaimValue, _ right: Dealstore_V1_ClaimValue) -> Bool {
        switch (left.value, right.value) {
        case (.money(let a), .money(let b)): a.currencyCode == b.currencyCode && a.totalNanos == b.totalNanos
        case (.fraction(let a), .fraction(let b)):
            Int128(a.numerator) * Int128(b.denominator) == Int128(b.numerator) * Int128(a.denominator)
        case (.date(let a), .date(let b)): a == b
        case (.text(let a), .text(let b)): a == b
        case (.organizationID(let a), .organizationID(let b)): a == b
        default: false
        }
    }

    /// True for a record value that says nothing (an empty title, city or website).
    static func isEmpty(_ value: Dealstore_V1_ClaimValue) -> Bool {
        switch value.value {
        case .text(let text): text.isEmpty
        case .organizationID(let id): id.isEmpty
        case nil: true
        default: false
        }
    }

    /// A value as the untyped `claimed_value` / `accepted_value` strings and error messages show it: "USD
    /// 1250000000", "2023-09-25" (or "2024-Q1", "2023-09", "2023"), "1/10", an organization id, text as it is.
    static func render(_ value: Dealstore_V1_ClaimValue) -> String {
        switch value.value {
        case .money(let money): money.display
        case .text(let text): text
        case .organizationID(let id): id
        case .fraction(let fraction): "\(fraction.numerator)/\(fraction.denominator)"
        case .date(let date): Self.render(date)
        case nil: ""
        }
    }

    static func render(_ date: Dealstore_V1_PartialDate) -> String {
        func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        switch date.precision {
        case .day: return "\(date.year)-\(two(date.month))-\(two(date.day))"
        case .month: return "\(date.year)-\(two(date.month))"
        case .quarter: return "\(date.year)-Q\((date.month + 2) / 3)"
        default: return "\(date.year)"
        }
    }

    // MARK: Paths

    /// Parses "participations[amazon].committed" into segments; every element id must be a valid id.
    static func parseClaimPath(_ text: String, field: String) throws(DealStoreError) -> [ClaimPathSegment] {
        if text.isEmpty { throw .invalid(field, "is required: the field the claim disputes, e.g. amount") }
        var segments: [ClaimPathSegment] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var elementID: String?
            if let open = part.firstIndex(of: "[") {
                guard part.hasSuffix("]"), open < part.index(before: part.endIndex) else {
                    throw .invalid(
                        field,
                        "'\(text)' is not a field path: write list[<id>].field, e.g. participations[amazon].committed"
                    )
                }
                name = part[..<open]
                let id = String(part[part.index(after: open)..<part.index(before: part.endIndex)])
                if !Self.isValidID(id) {
                    throw .invalid(
                        field,
                        "'\(id)' in '\(text)' is not an element id: lists are indexed by their elements' ids "
                            + "(lower-case letters, digits and '-'), not by position"
                    )
                }
                elementID = id
            }
            let valid = !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
            if !valid {
                throw .invalid(
                    field,
                    "'\(text)' is not a field path: use proto field names, e.g. participations[amazon].committed"
                )
            }
            segments.append(ClaimPathSegment(name: String(name), elementID: elementID))
        }
        return segments
    }

    static func render(_ path: [ClaimPathSegment]) -> String {
        path.map { segment in segment.elementID.map { "\(segment.name)[\($0)]" } ?? segment.name }
            .joined(separator: ".")
    }

    static func missingElement(
        _ text: String,
        list: String,
        id: String,
        known: [String],
        field: String
    ) -> DealStoreError {
        let listed = known.isEmpty ? "it has none" : "it has " + known.joined(separator: ", ")
        return .invalid(field, "'\(text)' names \(list) '\(id)', which the record does not have (\(listed))")
    }

    static func nowMicros() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
    }
}

extension Dealstore_V1_ClaimValue {
    static func money(_ money: Dealstore_V1_Money) -> Self {
        var value = Self()
        value.money = money
        return value
    }

    static func text(_ text: String) -> Self {
        var value = Self()
        value.text = text
        return value
    }

    static func date(_ date: Dealstore_V1_PartialDate) -> Self {
        var value = Self()
        value.date = date
        return value
    }

    static func fraction(_ fraction: Dealstore_V1_Fraction) -> Self {
        var value = Self()
        value.fraction = fraction
        return value
    }

    static func organization(_ id: String) -> Self {
        var value = Self()
        value.organizationID = id
        return value
    }
}
