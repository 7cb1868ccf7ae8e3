import ArgumentParser
import DealModel
import DealProtocol

/// `deals delete <id>`: removes a deal, optionally only if unchanged since read.
public struct DealsDeleteCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a deal.",
        discussion: """
            Examples:
              deals delete amazon-anthropic-2023
              deals delete amazon-anthropic-2023 --if-match "$(deals get amazon-anthropic-2023 -o json | jq -r .meta.etag)"

            With --if-match, a deal changed since you read it is not deleted (exit status 6).
            """
    )

    @Argument(help: "The deal id.")
    var id: String

    @Option(
        name: .customLong("if-match"),
        help: ArgumentHelp("Delete only if the stored etag is this.", valueName: "etag")
    )
    var ifMatch: String?

    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_DeleteDealRequest()
        request.id = self.id
        request.etag = self.ifMatch ?? ""
        let response = try await context.withClient(self.connection) { client in
            try await client.deleteDeal(request)
        }
        context.output.line("deleted deal \(self.id) at revision \(response.revision)")
    }
}
