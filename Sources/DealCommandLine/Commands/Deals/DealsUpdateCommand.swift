import ArgumentParser
import DealModel
import DealProtocol

/// `deals update <id> --set field=value ...`: replaces the named fields of a deal.
public struct DealsUpdateCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
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

    @Argument(help: "The deal id.")
    var id: String

    @Option(
        name: .customLong("set"),
        parsing: .unconditionalSingleValue,
        help: ArgumentHelp("field=value; repeatable.", valueName: "field=value")
    )
    var assignments: [String] = []

    @Option(
        name: .customLong("if-match"),
        help: ArgumentHelp("Update only if the stored etag is this.", valueName: "etag")
    )
    var ifMatch: String?

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public func validate() throws {
        if self.assignments.isEmpty {
            throw ValidationError("nothing to update: give at least one --set field=value")
        }
    }

    /// The update request the flags describe.
    public func request() throws -> Dealstore_V1_UpdateDealRequest {
        var request = Dealstore_V1_UpdateDealRequest()
        request.deal.id = self.id
        request.updateMask = try DealFieldAssignments.apply(self.assignments, to: &request.deal)
        request.etag = self.ifMatch ?? ""
        return request
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        let request = try self.request()
        let deal = try await context.withClient(self.connection) { client in
            try await client.updateDeal(request)
        }
        try context.emit(DealViews.deal(deal), as: self.format.output)
    }
}
