public import ArgumentParser
import DealClient
import DealModel
public import DealProtocol

/// `deals orgs merge SOURCE --into TARGET`: merges a duplicate organization into the one that stays.
public struct DealsOrgsMergeCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge a duplicate organization into another, keeping its id resolving.",
        discussion: """
            Examples:
              deals orgs merge open-ai --into openai --dry-run    # what would change
              deals orgs merge open-ai --into openai

            Every deal and person referring to SOURCE is rewritten to TARGET, SOURCE is deleted, and TARGET
            takes its name and aliases (as aliases), former names, domains, industries, sources and facts, and
            lists its id in merged ids: `deals orgs get open-ai` and `deals list --investor open-ai` keep
            working. Both are ids (not names).
            """
    )

    @Argument(help: "The id of the organization merged away.")
    var source: String

    @Option(help: ArgumentHelp("The id of the organization that stays.", valueName: "id"))
    var into: String

    @Option(
        name: .customLong("if-match-source"),
        help: ArgumentHelp("Merge only if SOURCE's stored etag is this.", valueName: "etag")
    )
    var ifMatchSource: String?

    @Option(
        name: .customLong("if-match-target"),
        help: ArgumentHelp("Merge only if TARGET's stored etag is this.", valueName: "etag")
    )
    var ifMatchTarget: String?

    @Flag(name: .customLong("dry-run"), help: "Check on the server and show what would change, storing nothing.")
    var dryRun = false

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    /// The request the arguments describe.
    public func request() -> Dealstore_V1_MergeOrganizationsRequest {
        var request = Dealstore_V1_MergeOrganizationsRequest()
        request.sourceID = self.source
        request.targetID = self.into
        request.sourceEtag = self.ifMatchSource ?? ""
        request.targetEtag = self.ifMatchTarget ?? ""
        request.validateOnly = self.dryRun
        return request
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        let request = self.request()
        let response = try await context.withClient(self.connection) { client in
            try await client.mergeOrganizations(request)
        }
        if self.format.output == .table {
            let deals = response.updatedDealIds
            let persons = response.updatedOrganizationIds
            context.output.errorLine(
                (self.dryRun ? "would merge" : "merged") + " \(self.source) into \(self.into): "
                    + DealViews.count(deals.count, "deal") + " rewritten"
                    + (deals.isEmpty ? "" : " (\(deals.joined(separator: ", ")))")
                    + (persons.isEmpty ? "" : ", persons \(persons.joined(separator: ", "))")
            )
        }
        try context.emit(DealViews.organization(response.organization), as: self.format.output)
    }
}
