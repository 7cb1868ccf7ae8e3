import ArgumentParser
import DealModel
import DealProtocol

/// `deals orgs delete <id>`: removes an organization no deal refers to.
public struct DealsOrgsDeleteCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete an organization no deal refers to.",
        discussion: """
            Examples:
              deals orgs delete mistral-ai
              deals orgs delete mistral-ai --if-match 3c1e…

            An organization still referred to by a deal is not deleted (exit status 6).
            """
    )

    @Argument(help: "The organization id.")
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
        var request = Dealstore_V1_DeleteOrganizationRequest()
        request.id = self.id
        request.etag = self.ifMatch ?? ""
        let response = try await context.withClient(self.connection) { client in
            try await client.deleteOrganization(request)
        }
        context.output.line("deleted organization \(self.id) at revision \(response.revision)")
    }
}
