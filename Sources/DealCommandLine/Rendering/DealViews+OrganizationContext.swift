import DealModel

extension DealViews {
    /// The company-context and identity lines of an organization's detail view (empty ones are dropped later).
    static func contextFields(_ organization: Dealstore_V1_Organization) -> [(String, String)] {
        var headquarters = ""
        if organization.hasHeadquarters {
            let place = organization.headquarters
            headquarters = place.city.isEmpty ? place.countryCode : "\(place.city), \(place.countryCode)"
        }
        var fields: [(String, String)] = [
            ("industries", organization.industries.joined(separator: ", ")),
            ("headquarters", headquarters),
            ("founded", organization.hasFounded ? DealDateFormatter.format(organization.founded) : ""),
            ("investor types", organization.investorTypes.map { DealEnumNames.name($0) }.joined(separator: ", ")),
            ("former names", organization.formerNames.joined(separator: ", ")),
            ("domains", organization.domains.joined(separator: ", ")),
            ("merged ids", organization.mergedIds.joined(separator: ", ")),
        ]
        for affiliation in organization.affiliations {
            var text = affiliation.organizationID
            if !affiliation.title.isEmpty { text += " (\(affiliation.title))" }
            if affiliation.hasSince { text += " since " + DealDateFormatter.format(affiliation.since) }
            if affiliation.hasUntil { text += " until " + DealDateFormatter.format(affiliation.until) }
            fields.append((DealEnumNames.name(affiliation.role), text))
        }
        return fields
    }
}
