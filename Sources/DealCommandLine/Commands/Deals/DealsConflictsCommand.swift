public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals conflicts`: disputed claims beside the accepted values, each with the words that make it.
public struct DealsConflictsCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List sources' claims that contradict the accepted records.",
        discussion: """
            Each claim shows the source's own words that make it (QUOTE); -o csv adds the
            English rendering and where the quote is in the source.

            Examples:
              deals conflicts
              deals conflicts --deal amazon-anthropic-2023 -o json
              deals conflicts --organization anthropic --status open
            """
    )

    @Option(help: "Only this deal's claims.")
    var deal: String?

    @Option(help: "This organization's claims (an id, name or alias) instead of deals' claims.")
    var organization: String?

    @Option(help: "Only claims with this status: open (untyped claims included) or resolved.")
    var status: String?

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_ListConflictsRequest()
        request.dealID = self.deal ?? ""
        request.organizationID = self.organization ?? ""
        switch self.status?.lowercased() {
        case nil: break
        case "open": request.status = .open
        case "resolved": request.status = .resolved
        case let other?: throw DealInputError("--status '\(other)' is not a claim status: use open or resolved")
        }
        request.pageSize = 1000
        let conflicts = try await context.withClient(self.connection) { client in
            var conflicts: [Dealstore_V1_Conflict] = []
            while true {
                let response = try await client.listConflicts(request)
                conflicts += response.conflicts
                if response.nextPageToken.isEmpty {
                    return conflicts
                }
                request.pageToken = response.nextPageToken
            }
        }
        try context.emit(DealViews.conflicts(conflicts), as: self.format.output)
    }
}
