public import ArgumentParser

/// `deals orgs update <id> --set field=value ...`: replaces the named fields of an organization.
public typealias DealsOrgsUpdateCommand = DealRecordUpdateCommand<DealOrganizationRecords>

extension DealOrganizationRecords {
    public static let updateConfiguration = CommandConfiguration(
        commandName: "update",
        abstract: "Change fields of an organization.",
        discussion: """
            Examples:
              deals orgs update google --set aliases="Alphabet,Google LLC"
              deals orgs update anthropic --set website=https://anthropic.com --if-match 3c1e…

              deals orgs update openai --set industries=artificial-intelligence --set country=US --set city="San Francisco"

            Fields: name, kind, aliases (comma-separated), website, description, industries, country and city
            (together: they replace the headquarters), founded, investor-types, former-names, domains.
            """
    )
}
