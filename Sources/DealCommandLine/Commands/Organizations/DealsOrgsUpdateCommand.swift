import ArgumentParser
import DealModel
import DealProtocol

/// `deals orgs update <id> --set field=value ...`: replaces the named fields of an organization.
public struct DealsOrgsUpdateCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change fields of an organization.",
        discussion: """
            Examples:
              deals orgs update google --set aliases="Alphabet,Google LLC"
              deals orgs update anthropic --set website=https://anthropic.com --if-match 3c1e…

            Fields: name, kind, aliases (comma-separated), website, description.
            """
    )

    @Argument(help: "The organization id.")
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
    public func request() throws -> Dealstore_V1_UpdateOrganizationRequest {
        var request = Dealstore_V1_UpdateOrganizationRequest()
        request.organization.id = self.id
        request.updateMask = try DealFieldAssignments.apply(self.assignments, to: &request.organization)
        request.etag = self.ifMatch ?? ""
        return request
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        let request = try self.request()
        let organization = try await context.withClient(self.connection) { client in
            try await client.updateOrganization(request)
        }
        try context.emit(DealViews.organization(organization), as: self.format.output)
    }
}
