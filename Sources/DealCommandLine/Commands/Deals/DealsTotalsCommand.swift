public import ArgumentParser
import DealClient
public import DealModel
import DealProtocol

/// `deals totals --by investor|target|year|quarter|type|industry|country`: committed and funded money per group,
/// with bars.
public struct DealsTotalsCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "totals",
        abstract:
            "Total committed and funded money per investor, target, year, quarter, deal type, industry or country.",
        discussion: """
            Examples:
              deals totals --by investor
              deals totals --by year --target anthropic
              deals totals --by quarter --funded --since 2023
              deals totals --by type -o csv
              deals totals --by investor --currency EUR
              deals totals --by investor --native
              deals totals --by industry          # the target's industries (a target in two counts in both)
              deals totals --by country           # the target's headquarters country

            Totals are normalised into one currency (--currency, USD by default): every amount is converted at
            its deal's date (announced, else closed) with the ECB's euro reference rates, and the rates used are
            listed under the table. Amounts without a rate (no date, a currency or a date the table lacks) are
            counted under "not converted" with their native sum, never dropped. --native prints the native
            totals instead, one row per currency. --min and --max are in the --currency currency.
            --funded draws the bars from funded tranches instead of commitments.
            """
    )

    /// The groupings `--by` accepts.
    public enum Grouping: String, CaseIterable, ExpressibleByArgument, Sendable {
        case investor, target, year, quarter, type, industry, country

        /// The service's grouping.
        public var summaryGrouping: Dealstore_V1_SummaryGrouping {
            switch self {
            case .investor: .investor
            case .target: .target
            case .year: .year
            case .quarter: .quarter
            case .type: .dealType
            case .industry: .industry
            case .country: .country
            }
        }
    }

    @Option(help: "Group by investor, target, year, quarter, type, or the target's industry or country.")
    var by: Grouping = .investor

    @Flag(help: "Draw bars from funded tranches instead of committed amounts.")
    var funded = false

    @Flag(help: "Native totals, one row per currency, instead of totals normalised into --currency.")
    var native = false

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
        let currency = request.filter.currencyCode.isEmpty ? "USD" : request.filter.currencyCode
        if !self.native {
            // --currency names the currency to total in, not a restriction to deals in it.
            request.filter.normalizeTo = currency
            request.filter.currencyCode = ""
        }
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
        // A server that predates normalised industry and country groups sends them without `normalized`: native.
        if self.native || groups.contains(where: { !$0.hasNormalized }) {
            try context.emit(DealViews.totals(groups, funded: self.funded), as: self.format.output)
        } else {
            try context.emit(
                DealViews.normalizedTotals(groups, currency: currency, funded: self.funded),
                as: self.format.output
            )
        }
    }
}
