import ArgumentParser

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

            Fields: name, kind, aliases (comma-separated), website, description.
            """
    )
}
