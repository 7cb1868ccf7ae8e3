public import ArgumentParser

/// `deals orgs delete <id>`: removes an organization no deal refers to.
public typealias DealsOrgsDeleteCommand = DealRecordDeleteCommand<DealOrganizationRecords>

extension DealOrganizationRecords {
    public static let deleteConfiguration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete an organization no deal refers to.",
        discussion: """
            Examples:
              deals orgs delete mistral-ai
              deals orgs delete mistral-ai --if-match 3c1e…

            An organization still referred to by a deal is not deleted (exit status 6).
            """
    )
}
