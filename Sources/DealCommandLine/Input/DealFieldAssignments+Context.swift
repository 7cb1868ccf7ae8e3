import DealModel

extension DealFieldAssignments {
    /// The company-context fields `--set` accepts on organizations, with the proto field each one replaces.
    ///
    /// Lists are comma-separated (`industries=artificial-intelligence,robotics`); `country` and `city` both replace
    /// the headquarters, so give them together; an empty value clears the field.
    public static let organizationContextFields: [(name: String, maskField: String)] = [
        ("industries", "industries"), ("country", "headquarters"), ("city", "headquarters"),
        ("founded", "founded"), ("investor-types", "investor_types"), ("former-names", "former_names"),
        ("domains", "domains"),
    ]

    static func applyContext(
        _ field: String,
        _ value: String,
        to organization: inout Dealstore_V1_Organization
    ) throws(DealInputError) {
        let list = value.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        let empty = value.trimmingSpaces().isEmpty
        switch field {
        case "industries": organization.industries = list.map { $0.lowercased() }
        case "country": organization.headquarters.countryCode = value.trimmingSpaces().uppercased()
        case "city": organization.headquarters.city = value.trimmingSpaces()
        case "founded": organization.founded = empty ? Dealstore_V1_PartialDate() : try DealDateParser.parse(value)
        case "investor-types":
            organization.investorTypes = try list.map { (name: String) throws(DealInputError) in
                try DealEnumNames.parse(name, as: Dealstore_V1_InvestorType.self, what: "investor type")
            }
        case "former-names": organization.formerNames = list
        default: organization.domains = list.map { $0.lowercased() }
        }
        if (field == "country" || field == "city") && organization.headquarters == Dealstore_V1_Headquarters() {
            organization.clearHeadquarters()
        }
        if field == "founded" && empty { organization.clearFounded() }
    }
}
