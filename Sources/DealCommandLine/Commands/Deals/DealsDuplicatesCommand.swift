public import ArgumentParser
import DealClient
import DealModel
public import DealProtocol

/// `deals duplicates`: pairs of deals that may be one deal stored twice, for a person to confirm.
public struct DealsDuplicatesCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "Propose pairs of deals that may be the same deal stored twice.",
        discussion: """
            A pair has the same target, dates at most --days apart (partial dates count as every day they can
            mean: "Sep 2023" and "27 Sep 2023" are 0 days apart) and headline amounts within --tolerance percent
            in one currency (amounts in two currencies, or missing, are not compared and say so). Nothing is
            changed: check each pair (`deals get ID`), then delete the copy or correct it.

            Examples:
              deals duplicates
              deals duplicates --target anthropic --days 90 --tolerance 25
              deals duplicates -o json
            """
    )

    @Option(help: "The most days between the two deals' dates (default 31).")
    var days: Int32 = 31

    @Option(help: "The largest amount difference, in percent of the larger (default 10).")
    var tolerance: Int32 = 10

    @Option(help: "The most pairs shown, closest first (default 100).")
    var limit: Int32 = 100

    @OptionGroup(title: "Filter Options") var filter: DealFilterOptions
    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public func validate() throws {
        if self.days < 1 || self.days > 3_660 { throw ValidationError("--days must be 1 to 3660") }
        if self.tolerance < 1 || self.tolerance > 100 { throw ValidationError("--tolerance must be 1 to 100") }
        if self.limit < 1 || self.limit > 1_000 { throw ValidationError("--limit must be 1 to 1000") }
    }

    /// The request the options describe.
    public func request() throws -> Dealstore_V1_FindDuplicateDealsRequest {
        var request = Dealstore_V1_FindDuplicateDealsRequest()
        request.filter = try self.filter.filter()
        request.maxDaysApart = self.days
        request.amountTolerancePercent = self.tolerance
        request.limit = self.limit
        return request
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        let request = try self.request()
        let response = try await context.withClient(self.connection) { client in
            try await client.findDuplicateDeals(request)
        }
        try context.emit(DealViews.duplicates(response.candidates), as: self.format.output)
    }
}
