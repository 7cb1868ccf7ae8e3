public import ArgumentParser
public import DealModel

/// The company-context and person flags of `deals orgs add`: industries, headquarters, founding date, investor
/// types, former names, domains and a person's affiliations.
public struct DealOrganizationContextOptions: ParsableArguments, Sendable {
    @Option(help: "An industry slug, e.g. artificial-intelligence; repeatable.")
    var industry: [String] = []

    @Option(help: "Headquarters country, ISO 3166-1 alpha-2 (US, FR, GB).")
    var country: String?

    @Option(help: "Headquarters city.")
    var city: String?

    @Option(help: ArgumentHelp("Founding date (a person: birth), e.g. 2021 or 2015-12.", valueName: "date"))
    var founded: String?

    @Option(
        name: .customLong("investor-type"),
        help: ArgumentHelp(
            "venture-capital, corporate, angel, private-equity, accelerator, family-office, ...; repeatable.",
            valueName: "type"
        )
    )
    var investorType: [String] = []

    @Option(name: .customLong("former-name"), help: "A name it was known by before; repeatable.")
    var formerName: [String] = []

    @Option(help: "An internet domain it uses, e.g. anthropic.com; repeatable.")
    var domain: [String] = []

    @Option(
        name: .customLong("founder-of"),
        help: ArgumentHelp("A person: an organization they founded; repeatable.", valueName: "org")
    )
    var founderOf: [String] = []

    @Option(
        name: .customLong("board-member-of"),
        help: ArgumentHelp("A person: an organization on whose board they sit; repeatable.", valueName: "org")
    )
    var boardMemberOf: [String] = []

    public init() {}

    /// Sets the flags' fields on `organization` (lists are appended to what a file gave).
    public func apply(to organization: inout Dealstore_V1_Organization) throws(DealInputError) {
        organization.industries += self.industry.map { $0.lowercased() }
        if let country = self.country { organization.headquarters.countryCode = country.uppercased() }
        if let city = self.city { organization.headquarters.city = city }
        if let founded = self.founded { organization.founded = try DealDateParser.parse(founded) }
        for type in self.investorType {
            organization.investorTypes.append(
                try DealEnumNames.parse(type, as: Dealstore_V1_InvestorType.self, what: "investor type")
            )
        }
        organization.formerNames += self.formerName
        organization.domains += self.domain.map { $0.lowercased() }
        for (role, ids) in [(Dealstore_V1_AffiliationRole.founder, self.founderOf), (.boardMember, self.boardMemberOf)]
        {
            for id in ids {
                var affiliation = Dealstore_V1_Affiliation()
                affiliation.organizationID = id
                affiliation.role = role
                organization.affiliations.append(affiliation)
            }
        }
    }
}
