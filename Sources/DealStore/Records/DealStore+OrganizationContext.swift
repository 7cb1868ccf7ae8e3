import DealModel

extension DealStore {
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
