public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals orgs list`: organizations, optionally matching text or of one kind.
public struct DealsOrgsListCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List organizations.",
        discussion: """
            Examples:
              deals orgs list
              deals orgs list --query goo --kind company -o csv
            """
    )

    @Option(name: [.customShort("q"), .long], help: "Text in the name, aliases or id.")
    var query: String?

    @Option(help: "Kind: company, investment-firm, ai-lab, publisher, other.")
    var kind: String?

    @Option(help: "Print at most this many organizations (default: all).")
    var limit: Int?

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_ListOrganizationsRequest()
        request.query = self.query ?? ""
        if let kind = self.kind {
            request.kind = try DealEnumNames.parse(kind, as: Dealstore_V1_OrganizationKind.self, what: "kind")
        }
        request.pageSize = Int32(clamping: min(self.limit ?? 1000, 1000))
        let limit = self.limit ?? Int.max
        let organizations = try await context.withClient(self.connection) { client in
            var organizations: [Dealstore_V1_Organization] = []
            while true {
                let response = try await client.listOrganizations(request)
                organizations += response.organizations
                if response.nextPageToken.isEmpty || organizations.count >= limit {
                    break
                }
                request.pageToken = response.nextPageToken
            }
            return Array(organizations.prefix(limit))
        }
        try context.emit(
            DealViews.organizations(organizations, footer: DealViews.count(organizations.count, "organization")),
            as: self.format.output
        )
    }
}
