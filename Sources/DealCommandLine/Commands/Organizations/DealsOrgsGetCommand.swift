public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals orgs get <id|name|alias>`: one organization.
public struct DealsOrgsGetCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one organization.",
        discussion: """
            Examples:
              deals orgs get anthropic
              deals orgs get Alphabet -o json
            """
    )

    @Argument(help: "An id, name or alias.")
    var id: String

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_GetOrganizationRequest()
        request.id = self.id
        let organization = try await context.withClient(self.connection) { client in
            try await client.getOrganization(request)
        }
        try context.emit(DealViews.organization(organization), as: self.format.output)
    }
}
