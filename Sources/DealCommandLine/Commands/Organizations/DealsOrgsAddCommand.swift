public import ArgumentParser
public import DealModel
import DealProtocol
import SwiftProtobuf

/// `deals orgs add`: creates an organization from flags or a JSON file.
public struct DealsOrgsAddCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create an organization.",
        discussion: """
            Examples:
              deals orgs add --name "Mistral AI" --kind ai-lab --alias Mistral --website https://mistral.ai
              deals orgs add --name "Mistral AI" --industry artificial-intelligence --country FR --city Paris
              deals orgs add --name "Reid Hoffman" --kind person --investor-type angel --founder-of linkedin
              deals orgs add --file org.json    # an Organization in the protobuf JSON mapping

            Without --id the id is derived from the name: "Mistral AI" gets mistral-ai.
            """
    )

    @Option(help: ArgumentHelp("An Organization as JSON (protobuf JSON mapping); - reads stdin.", valueName: "file"))
    var file: String?

    @Option(help: "The id (default: the name in lower case with dashes, e.g. mistral-ai).")
    var id: String?

    @Option(help: "The name.")
    var name: String?

    @Option(help: "Kind: company, investment-firm, ai-lab, publisher, person, other.")
    var kind: String?

    @Option(help: "Another name it is known by; repeatable.")
    var alias: [String] = []

    @Option(help: "Web site URL.")
    var website: String?

    @Option(help: "A short description.")
    var description: String?

    @OptionGroup(title: "Company Context Options") var context: DealOrganizationContextOptions

    @OptionGroup var creation: DealCreateOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public func validate() throws {
        if self.file == nil && self.name == nil {
            throw ValidationError("give --name, or --file org.json")
        }
    }

    /// The organization the flags (and file) describe; flags override the file's fields.
    public func organization(context: DealCommandContext) throws -> Dealstore_V1_Organization {
        var organization = try DealOrganizationRecords.record(from: self.file, context: context)
        if let id = self.id { organization.id = id }
        if let name = self.name { organization.name = name }
        if let kind = self.kind {
            organization.kind = try DealEnumNames.parse(kind, as: Dealstore_V1_OrganizationKind.self, what: "kind")
        }
        organization.aliases += self.alias
        if organization.id.isEmpty {
            // Derived here rather than by the server so the id is predictable (and shown by --dry-run).
            organization.id = DealSlug.make(from: organization.name)
        }
        if let website = self.website { organization.website = website }
        if let description = self.description { organization.description_p = description }
        try self.context.apply(to: &organization)
        return organization
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_CreateOrganizationRequest()
        request.organization = try self.organization(context: context)
        request.validateOnly = self.creation.dryRun
        try await DealOrganizationRecords.create(
            request,
            options: self.creation,
            connection: self.connection,
            context: context
        )
    }
}
