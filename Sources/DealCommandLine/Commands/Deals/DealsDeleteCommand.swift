public import ArgumentParser

/// `deals delete <id>`: removes a deal, optionally only if unchanged since read.
public typealias DealsDeleteCommand = DealRecordDeleteCommand<DealDealRecords>

extension DealDealRecords {
    public static let deleteConfiguration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a deal.",
        discussion: """
            Examples:
              deals delete amazon-anthropic-2023
              deals delete amazon-anthropic-2023 --if-match "$(deals get amazon-anthropic-2023 -o json | jq -r .meta.etag)"

            With --if-match, a deal changed since you read it is not deleted (exit status 6).
            """
    )
}
