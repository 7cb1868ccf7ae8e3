import DealModel

/// Company context, persons and identity on organizations (issue 18 part 3): industries, headquarters, founding
/// date, investor types, former names, domains, merged ids and a person's affiliations.
extension DealValidator {
    /// Validates `organization` and rewrites its affiliations' organization references to ids, in place.
    func validate(_ organization: inout Dealstore_V1_Organization) throws(DealStoreError) {
        for index in organization.affiliations.indices {
            let key = organization.affiliations[index].organizationID
            let resolved = try self.resolve(key, field: "affiliations[\(index)].organization_id")
            if resolved != key { organization.affiliations[index].organizationID = resolved }
        }
        try self.validate(organization)
        try self.checkContext(organization)
        try self.checkClaims(&organization)
    }

    /// The context fields of `organization`, whose affiliations already name organization ids.
    func checkContext(_ organization: Dealstore_V1_Organization) throws(DealStoreError) {
        try Self.checkCount(organization.industries.count, field: "industries")
        try Self.checkCount(organization.formerNames.count, field: "former_names")
        try Self.checkCount(organization.domains.count, field: "domains")
        try Self.checkCount(organization.mergedIds.count, field: "merged_ids")
        try Self.checkCount(organization.affiliations.count, field: "affiliations")
        var industries: Set<String> = []
        for (index, industry) in organization.industries.enumerated() {
            if !Self.isValidID(industry) {
                throw .invalid(
                    "industries[\(index)]",
                    "'\(industry)' is not an industry slug: use lower-case letters, digits and '-', "
                        + "e.g. artificial-intelligence"
                )
            }
            if !industries.insert(industry).inserted {
                throw .invalid("industries[\(index)]", "duplicate industry '\(industry)'")
            }
        }
        if organization.hasHeadquarters {
            let country = organization.headquarters.countryCode
            if country.isEmpty {
                throw .invalid("headquarters.country_code", "is required (an ISO 3166-1 alpha-2 code such as US)")
            }
            if !DealCountry.isKnown(country) {
                throw .invalid(
                    "headquarters.country_code",
                    "unknown country '\(country)': use an upper-case ISO 3166-1 alpha-2 code such as US, FR or GB"
                )
            }
            try Self.checkText(organization.headquarters.city, field: "headquarters.city", limit: Self.maximumNameBytes)
        }
        if organization.hasFounded { try Self.checkDate(organization.founded, field: "founded") }
        try Self.checkInvestorTypes(organization)
        for (index, name) in organization.formerNames.enumerated() {
            if name.allSatisfy(\.isWhitespace) { throw .invalid("former_names[\(index)]", "must not be empty") }
            try Self.checkText(name, field: "former_names[\(index)]", limit: Self.maximumNameBytes)
        }
        for (index, domain) in organization.domains.enumerated() where !Self.isValidDomain(domain) {
            throw .invalid(
                "domains[\(index)]",
                "'\(domain)' is not a domain: give the lower-case host name only, e.g. anthropic.com "
                    + "(no scheme, path or port)"
            )
        }
        for (index, id) in organization.mergedIds.enumerated() {
            try Self.checkID(id, field: "merged_ids[\(index)]")
            if id == organization.id {
                throw .invalid("merged_ids[\(index)]", "an organization cannot redirect to itself")
            }
        }
        try self.checkAffiliations(organization)
    }

    private static func checkInvestorTypes(_ organization: Dealstore_V1_Organization) throws(DealStoreError) {
        var seen: Set<Int> = []
        for (index, type) in organization.investorTypes.enumerated() {
            switch type {
            case .unspecified:
                throw .invalid("investor_types[\(index)]", "must not be INVESTOR_TYPE_UNSPECIFIED")
            case .UNRECOGNIZED(let value):
                throw .invalid("investor_types[\(index)]", "unknown investor type \(value)")
            default:
                break
            }
            if !seen.insert(type.rawValue).inserted {
                throw .invalid("investor_types[\(index)]", "duplicate investor type")
            }
            // A person invests their own money (an angel) or in some way the types do not name; the
            // institutional types are organizations'.
            if organization.kind == .person && type != .angel && type != .other {
                throw .invalid(
                    "investor_types[\(index)]",
                    "a PERSON can only be INVESTOR_TYPE_ANGEL or INVESTOR_TYPE_OTHER; record the fund or company "
                        + "the person invests through as an organization of its own"
                )
            }
        }
    }

    private func checkAffiliations(_ organization: Dealstore_V1_Organization) throws(DealStoreError) {
        guard !organization.affiliations.isEmpty else { return }
        if organization.kind != .person {
            throw .invalid(
                "affiliations",
                "only an organization of kind PERSON has affiliations: set kind to PERSON or remove them"
            )
        }
        let sources = Set(organization.sources.map(\.id))
        for (index, affiliation) in organization.affiliations.enumerated() {
            let field = { "affiliations[\(index)]" }
            if affiliation.organizationID == organization.id {
                throw .invalid(field() + ".organization_id", "a person cannot be affiliated with itself")
            }
            if self.organizations[affiliation.organizationID]?.kind == .person {
                throw .invalid(
                    field() + ".organization_id",
                    "'\(affiliation.organizationID)' is a PERSON: an affiliation names a company, fund or lab"
                )
            }
            switch affiliation.role {
            case .unspecified:
                throw .invalid(field() + ".role", "is required (FOUNDER, BOARD_MEMBER, EXECUTIVE, EMPLOYEE, ADVISOR)")
            case .UNRECOGNIZED(let value):
                throw .invalid(field() + ".role", "unknown role \(value)")
            default:
                break
            }
            try Self.checkText(affiliation.title, field: field() + ".title", limit: Self.maximumNameBytes)
            if affiliation.hasSince { try Self.checkDate(affiliation.since, field: field() + ".since") }
            if affiliation.hasUntil { try Self.checkDate(affiliation.until, field: field() + ".until") }
            try Self.checkSources(affiliation.sourceIds, known: sources, field: field() + ".source_ids")
        }
    }

    /// A lower-case host name of at least two labels: letters, digits and '-', no label starting or ending with
    /// '-', at most 253 bytes.
    static func isValidDomain(_ domain: String) -> Bool {
        let bytes = Array(domain.utf8)
        guard (3...253).contains(bytes.count) else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
            for byte in label {
                let allowed =
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                if !allowed { return false }
            }
        }
        return true
    }
}
