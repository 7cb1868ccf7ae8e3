import ArgumentParser
import DealModel
import DealProtocol

/// `deals totals --by investor|target|year|quarter|type`: committed and funded money per group, with bars.
public struct DealsTotalsCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "totals",
        abstract: "Total committed and funded money per investor, target, year, quarter or deal type.",
        discussion: """
            Examples:
              deals totals --by investor
              deals totals --by year --target anthropic
              deals totals --by quarter --funded --since 2023
              deals totals --by type -o csv

            Totals are kept per currency (a group with deals in two currencies gets two rows); bars compare
            groups within one currency. --funded draws the bars from funded tranches instead of commitments.
            """
    )

    /// The groupings `--by` accepts.
    public enum Grouping: String, CaseIterable, ExpressibleByArgument, Sendable {
        case investor, target, year, quarter, type

        /// The service's grouping.
        public var summaryGrouping: Dealstore_V1_SummaryGrouping {
            switch self {
            case .investor: .investor
            case .target: .target
            case .year: .year
            case .quarter: .quarter
            case .type: .dealType
            }
        }
    }

    @Option(help: "Group by investor, target, year, quarter or type.")
    var by: Grouping = .investor

    @Flag(help: "Draw bars from funded tranches instead of committed amounts.")
    var funded = false

    @OptionGroup(title: "Filter Options") var filter: DealFilterOptions
    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_SummarizeDealsRequest()
        request.groupBy = self.by.summaryGrouping
        request.filter = try self.filter.filter()
        let response = try await context.withClient(self.connection) { client in
            try await client.summarizeDeals(request)
        }
        var groups = response.groups
        if self.by == .type {
            // The server labels deal-type groups with the protobuf name; show the name used everywhere else.
            for index in groups.indices {
                if let type = try? DealEnumNames.parse(groups[index].key, as: Dealstore_V1_DealType.self, what: "") {
                    groups[index].label = DealEnumNames.name(type)
                }
            }
        }
        try context.emit(DealViews.totals(groups, funded: self.funded), as: self.format.output)
    }
}
