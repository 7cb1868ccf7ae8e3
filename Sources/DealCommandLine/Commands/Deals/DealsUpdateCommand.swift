public import ArgumentParser

/// `deals update <id> --set field=value ...`: replaces the named fields of a deal.
public typealias DealsUpdateCommand = DealRecordUpdateCommand<DealDealRecords>

extension DealDealRecords {
    public static let updateConfiguration = CommandConfiguration(
        commandName: "update",
        abstract: "Change fields of a deal.",
        discussion: """
            Examples:
              deals update amazon-anthropic-2023 --set status=closed --set closed="Mar 2024"
              deals update google-anthropic-2023 --set amount=2B --set cap='$2bn' --if-match 8f3a…

            Fields: title, notes, status, type, target, announced, closed, amount, cap. An empty value clears
            the field. With --if-match, a deal changed since you read it is not updated (exit status 6).
            """
    )
}
