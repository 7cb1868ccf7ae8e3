import DealModel

extension DealStore {
    /// The company-context and identity fields an update mask may name (issue 18 part 3). `merged_ids` is not
    /// among them: only MergeOrganizations writes it, so a redirect cannot be dropped or forged by an update.
    static let organizationContextMaskFields: Set<String> = [
        "industries", "headquarters", "founded", "investor_types", "former_names", "domains", "affiliations",
    ]

    /// Copies the context field `path` of `organization` into `merged`; false when `path` is not one of
    /// ``organizationContextMaskFields``.
    static func updateContextField(
        _ path: String,
        from organization: Dealstore_V1_Organization,
        into merged: inout Dealstore_V1_Organization
    ) -> Bool {
        switch path {
        case "industries": merged.industries = organization.industries
        case "headquarters":
            if organization.hasHeadquarters {
                merged.headquarters = organization.headquarters
            } else {
                merged.clearHeadquarters()
            }
        case "founded":
            if organization.hasFounded { merged.founded = organization.founded } else { merged.clearFounded() }
        case "investor_types": merged.investorTypes = organization.investorTypes
        case "former_names": merged.formerNames = organization.formerNames
        case "domains": merged.domains = organization.domains
        case "affiliations": merged.affiliations = organization.affiliations
        default: return false
        }
        return true
    }

    /// Refuses to delete an organization a person is affiliated with: the affiliation would name nothing.
    static func checkNoAffiliations(naming id: String, state: DealStoreState) throws(DealStoreError) {
        let persons = state.organizations.values.filter { organization in
            organization.affiliations.contains { $0.organizationID == id }
        }.map(\.id).sorted()
        if let first = persons.first {
            throw DealStoreError(
                code: .failedPrecondition,
                message: "organization '\(id)' is named by the affiliations of \(persons.count) person(s) ('\(first)'"
                    + (persons.count > 1 ? ", ..." : "") + "): update them first"
            )
        }
    }
}
