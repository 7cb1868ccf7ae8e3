import DealModel

/// Checks records before they are stored; every error names the field in proto path form.
///
/// Organization references are resolved (an id, or a name or alias case-insensitively) and rewritten to ids, so
/// an imported line may say `"investorId": "Amazon"`.
///
/// Runs under the store's lock on every write, so it holds only the two organization tables it reads (two
/// retains, not a copy of the whole state) and builds field paths only for the error it throws: the paths are
/// autoclosures, since building "participations[3].investor_id" for every valid field cost more than checking it.
struct DealValidator {
    /// The largest `units` of any stored Money (10^15, a quadrillion units of the currency).
    ///
    /// Why a maximum at all: sums of amounts (tranches against the cap, summaries) must fit what the wire can carry
    /// and never overflow; 10^15 units is far above any real deal and leaves room for 9,223 such amounts in one
    /// Int64 total, while every sum is kept in Int128 nanos anyway.
    static let maximumUnits: Int64 = 1_000_000_000_000_000

    let organizations: [String: Dealstore_V1_Organization]
    let organizationLookup: [String: String]

    init(state: DealStoreState) {
        self.organizations = state.organizations
        self.organizationLookup = state.organizationLookup
    }

    static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let alnum =
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            if !alnum && (index == 0 || byte != UInt8(ascii: "-")) { return false }
        }
        return true
    }

    static func checkID(_ id: String, field: @autoclosure () -> String) throws(DealStoreError) {
        if id.isEmpty { throw .invalid(field(), "is required") }
        if !Self.isValidID(id) {
            throw .invalid(
                field(),
                "'\(id)' is not a valid id: use 1 to 63 lower-case letters, digits and '-', starting with a letter or digit"
            )
        }
    }

    func resolve(_ key: String, field: @autoclosure () -> String) throws(DealStoreError) -> String {
        if key.isEmpty { throw .invalid(field(), "is required") }
        if self.organizations[key] != nil { return key }
        guard let id = self.organizationLookup[key.lowercased()] else {
            throw .invalid(
                field(),
                "unknown organization '\(key)': create it first or use an existing id, name or alias"
            )
        }
        return id
    }

    static func checkMoney(_ money: Dealstore_V1_Money, field: @autoclosure () -> String) throws(DealStoreError) {
        if money.currencyCode.isEmpty {
            throw .invalid(field() + ".currency_code", "is required (an ISO 4217 code such as USD)")
        }
        if !DealCurrency.isKnown(money.currencyCode) {
            throw .invalid(
                field() + ".currency_code",
                "unknown currency '\(money.currencyCode)': use an upper-case ISO 4217 code such as USD or EUR"
            )
        }
        if money.units < 0 || money.nanos < 0 {
            throw .invalid(field(), "negative amounts are not allowed")
        }
        if money.nanos > 999_999_999 {
            throw .invalid(field() + ".nanos", "\(money.nanos) is out of range: nanos must be 0 to 999,999,999")
        }
        if money.units > Self.maximumUnits {
            throw .invalid(
                field() + ".units",
                "\(money.units) is above the maximum amount of 1,000,000,000,000,000 (10^15) units"
            )
        }
    }

    /// Days in a month of the proleptic Gregorian calendar; `month` is already checked to be 1 to 12.
    static func daysIn(month: Int32, year: Int32) -> Int32 {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    static func checkDate(
        _ date: Dealstore_V1_PartialDate,
        field: @autoclosure () -> String
    ) throws(DealStoreError) {
        if date.year < 1800 || date.year > 2200 { throw .invalid(field() + ".year", "\(date.year) is out of range") }
        switch date.precision {
        case .day:
            if !(1...12).contains(date.month) { throw .invalid(field() + ".month", "must be 1 to 12") }
            let days = Self.daysIn(month: date.month, year: date.year)
            if !(1...days).contains(date.day) {
                throw .invalid(
                    field() + ".day",
                    "\(date.day) is not a day of \(date.year)-\(date.month): must be 1 to \(days)"
                )
            }
        case .month:
            if !(1...12).contains(date.month) { throw .invalid(field() + ".month", "must be 1 to 12") }
            if date.day != 0 { throw .invalid(field() + ".day", "must be 0 with precision MONTH") }
        case .quarter:
            if ![3, 6, 9, 12].contains(date.month) {
                throw .invalid(
                    field() + ".month",
                    "must be the quarter's last month (3, 6, 9 or 12) with precision QUARTER"
                )
            }
            if date.day != 0 { throw .invalid(field() + ".day", "must be 0 with precision QUARTER") }
        case .year:
            if date.month != 0 || date.day != 0 {
                throw .invalid(field(), "month and day must be 0 with precision YEAR")
            }
        case .unspecified, .UNRECOGNIZED:
            throw .invalid(field() + ".precision", "is required (DAY, MONTH, QUARTER or YEAR)")
        }
    }

    static func checkSources(
        _ ids: [String],
        known: Set<String>,
        field: @autoclosure () -> String
    ) throws(DealStoreError) {
        for (index, id) in ids.enumerated() where !known.contains(id) {
            throw .invalid("\(field())[\(index)]", "unknown source '\(id)': list it in sources first")
        }
    }

    static func checkUnique(_ ids: [String], field: @autoclosure () -> String) throws(DealStoreError) -> Set<String> {
        var seen: Set<String> = []
        for (index, id) in ids.enumerated() {
            try Self.checkID(id, field: "\(field())[\(index)].id")
            if !seen.insert(id).inserted { throw .invalid("\(field())[\(index)].id", "duplicate id '\(id)'") }
        }
        return seen
    }

    /// Validates `deal` and rewrites its organization references to ids, in place.
    // swift-format-ignore: FunctionBodyLength
    func validate(_ deal: inout Dealstore_V1_Deal) throws(DealStoreError) {
        try Self.checkID(deal.id, field: "id")
        try Self.checkSizes(deal)
        // Assigned only when it changes: writing a field of a deal whose storage is shared copies the storage.
        let target = try self.resolve(deal.targetID, field: "target_id")
        if target != deal.targetID { deal.targetID = target }
        if case .UNRECOGNIZED(let value) = deal.type { throw .invalid("type", "unknown deal type \(value)") }
        if case .UNRECOGNIZED(let value) = deal.status { throw .invalid("status", "unknown status \(value)") }
        if deal.hasAnnounced { try Self.checkDate(deal.announced, field: "announced") }
        if deal.hasClosed { try Self.checkDate(deal.closed, field: "closed") }
        if deal.hasAmount { try Self.checkMoney(deal.amount, field: "amount") }
        if deal.hasCommitmentCap { try Self.checkMoney(deal.commitmentCap, field: "commitment_cap") }
        let (sources, excerpts) = try Self.checkSources(deal.sources, field: "sources")
        try Self.checkEvidence(
            deal.evidence,
            fields: EvidenceFields.deal,
            citing: [],
            index: excerpts,
            field: "evidence"
        )
        for index in deal.participations.indices {
            let field = { "participations[\(index)]" }
            let investor = deal.participations[index].investorID
            let resolved = try self.resolve(investor, field: field() + ".investor_id")
            if resolved != investor { deal.participations[index].investorID = resolved }
            let participation = deal.participations[index]
            if participation.hasCommitted {
                try Self.checkMoney(participation.committed, field: field() + ".committed")
            }
            if participation.hasStake {
                let stake = participation.stake
                if stake.denominator <= 0 { throw .invalid(field() + ".stake.denominator", "must be positive") }
                if stake.numerator < 0 || stake.numerator > stake.denominator {
                    throw .invalid(field() + ".stake", "must be between 0 and 1")
                }
            }
            try Self.checkSources(participation.sourceIds, known: sources, field: field() + ".source_ids")
            try Self.checkEvidence(
                participation.evidence,
                fields: EvidenceFields.participation,
                citing: participation.sourceIds,
                index: excerpts,
                field: field() + ".evidence"
            )
        }
        let tranches = try Self.checkUnique(deal.tranches.map(\.id), field: "tranches")
        var trancheTotals: [String: Int128] = [:]
        for index in deal.tranches.indices {
            let field = { "tranches[\(index)]" }
            let investor = deal.tranches[index].investorID
            let resolved = try self.resolve(investor, field: field() + ".investor_id")
            if resolved != investor { deal.tranches[index].investorID = resolved }
            let tranche = deal.tranches[index]
            if !tranche.hasAmount { throw .invalid(field() + ".amount", "is required") }
            try Self.checkMoney(tranche.amount, field: field() + ".amount")
            if tranche.hasDue { try Self.checkDate(tranche.due, field: field() + ".due") }
            if tranche.status != .cancelled {
                // Saturating: each amount is at most 10^24 nanos here, but no number of tranches may trap.
                trancheTotals[tranche.amount.currencyCode, default: 0].addSaturating(tranche.amount.totalNanos)
            }
            try Self.checkSources(tranche.sourceIds, known: sources, field: field() + ".source_ids")
            try Self.checkEvidence(
                tranche.evidence,
                fields: EvidenceFields.tranche,
                citing: tranche.sourceIds,
                index: excerpts,
                field: field() + ".evidence"
            )
        }
        if deal.hasCommitmentCap {
            for (currency, total) in trancheTotals {
                if currency == deal.commitmentCap.currencyCode && total > deal.commitmentCap.totalNanos {
                    throw .invalid(
                        "tranches",
                        "tranches total \(Dealstore_V1_Money.display(currencyCode: currency, totalNanos: total)) "
                            + "exceeds commitment_cap \(deal.commitmentCap.display): raise the cap or fix the amounts"
                    )
                }
            }
        }
        _ = try Self.checkUnique(deal.options.map(\.id), field: "options")
        for index in deal.options.indices {
            let field = { "options[\(index)]" }
            let holder = deal.options[index].holderID
            let resolved = try self.resolve(holder, field: field() + ".holder_id")
            if resolved != holder { deal.options[index].holderID = resolved }
            let option = deal.options[index]
            if option.hasMaximum { try Self.checkMoney(option.maximum, field: field() + ".maximum") }
            if option.hasExpires { try Self.checkDate(option.expires, field: field() + ".expires") }
            if !option.exercisedByTrancheID.isEmpty && !tranches.contains(option.exercisedByTrancheID) {
                throw .invalid(
                    field() + ".exercised_by_tranche_id",
                    "unknown tranche '\(option.exercisedByTrancheID)': list it in tranches"
                )
            }
            try Self.checkSources(option.sourceIds, known: sources, field: field() + ".source_ids")
            try Self.checkEvidence(
                option.evidence,
                fields: EvidenceFields.option,
                citing: option.sourceIds,
                index: excerpts,
                field: field() + ".evidence"
            )
        }
        for (index, valuation) in deal.valuations.enumerated() {
            let field = { "valuations[\(index)]" }
            if !valuation.hasAmount { throw .invalid(field() + ".amount", "is required") }
            try Self.checkMoney(valuation.amount, field: field() + ".amount")
            if valuation.hasAsOf { try Self.checkDate(valuation.asOf, field: field() + ".as_of") }
            try Self.checkSources(valuation.sourceIds, known: sources, field: field() + ".source_ids")
            try Self.checkEvidence(
                valuation.evidence,
                fields: EvidenceFields.valuation,
                citing: valuation.sourceIds,
                index: excerpts,
                field: field() + ".evidence"
            )
        }
        for index in deal.strategicTerms.indices {
            let field = { "strategic_terms[\(index)]" }
            let party = deal.strategicTerms[index].partyID
            if !party.isEmpty {
                let resolved = try self.resolve(party, field: field() + ".party_id")
                if resolved != party { deal.strategicTerms[index].partyID = resolved }
            }
            let term = deal.strategicTerms[index]
            if term.value.isEmpty { throw .invalid(field() + ".value", "is required") }
            if term.hasSince { try Self.checkDate(term.since, field: field() + ".since") }
            try Self.checkSources(term.sourceIds, known: sources, field: field() + ".source_ids")
            try Self.checkEvidence(
                term.evidence,
                fields: EvidenceFields.strategicTerm,
                citing: term.sourceIds,
                index: excerpts,
                field: field() + ".evidence"
            )
        }
        _ = try Self.checkUnique(deal.disputedClaims.map(\.id), field: "disputed_claims")
        for (index, claim) in deal.disputedClaims.enumerated() {
            let field = { "disputed_claims[\(index)]" }
            if claim.field.isEmpty { throw .invalid(field() + ".field", "is required") }
            if !sources.contains(claim.sourceID) {
                throw .invalid(
                    field() + ".source_id",
                    "unknown source '\(claim.sourceID)': a disputed claim needs its source"
                )
            }
            // The words that make the claim are the claim's own source's (or those of a source reporting it).
            try Self.checkEvidence(
                claim.evidence,
                fields: EvidenceFields.disputedClaim,
                citing: [claim.sourceID],
                index: excerpts,
                field: field() + ".evidence"
            )
        }
        try self.checkTypes(&deal, excerpts: excerpts)
        try Self.checkExit(deal)
        try Self.assignParticipationIDs(&deal)
        try self.checkClaims(&deal)
    }

    /// Validates `deal` and returns it with organization references rewritten to ids.
    func validate(_ deal: Dealstore_V1_Deal) throws(DealStoreError) -> Dealstore_V1_Deal {
        var deal = deal
        try self.validate(&deal)
        return deal
    }

    /// Validates an organization (not its uniqueness against other records).
    func validate(_ organization: Dealstore_V1_Organization) throws(DealStoreError) {
        try Self.checkID(organization.id, field: "id")
        try Self.checkCount(organization.aliases.count, field: "aliases")
        try Self.checkCount(organization.sources.count, field: "sources")
        try Self.checkCount(organization.facts.count, field: "facts")
        try Self.checkText(organization.name, field: "name", limit: Self.maximumNameBytes)
        for (index, alias) in organization.aliases.enumerated() {
            try Self.checkText(alias, field: "aliases[\(index)]", limit: Self.maximumNameBytes)
        }
        if organization.name.allSatisfy(\.isWhitespace) { throw .invalid("name", "is required") }
        if case .UNRECOGNIZED(let value) = organization.kind { throw .invalid("kind", "unknown kind \(value)") }
        try Self.checkFacts(organization)
        for key in DealStoreState.lookupKeys(of: organization) {
            if let other = self.organizationLookup[key], other != organization.id {
                throw DealStoreError(
                    code: .alreadyExists,
                    message:
                        "name or alias '\(key)' already belongs to organization '\(other)': names and aliases must be unique"
                )
            }
        }
    }
}

extension Dealstore_V1_Money {
    /// "USD 1250000000.5" style, for messages.
    var display: String {
        Self.display(currencyCode: self.currencyCode, totalNanos: self.totalNanos)
    }

    /// A total in nanos in the style of ``display``: a sum need not fit a Money to be named in a message.
    static func display(currencyCode: String, totalNanos: Int128) -> String {
        let sign = totalNanos < 0 ? "-" : ""
        let magnitude = totalNanos.magnitude
        var text = "\(currencyCode) \(sign)\(magnitude / 1_000_000_000)"
        var fraction = String(magnitude % 1_000_000_000)
        if fraction != "0" {
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text
    }
}
