public import ArgumentParser
import DealClient
import DealModel
public import DealProtocol

/// `deals list`: deals matching a filter, sorted, as a table or for scripts.
public struct DealsListCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List deals matching a filter.",
        discussion: """
            Examples:
              deals list
              deals list --investor Amazon --since 2023 --min 1B --sort -amount
              deals list --target anthropic --type corporate-strategic -o csv > anthropic.csv
              deals list --since Q3-2023 --until 2024 --term AWS -o json | jq '.[].id'

            With --normalize, --currency (USD by default) names the currency to convert
            every headline amount into, at its deal's date, instead of restricting the
            list to amounts in it; the table adds the converted amount ("no rate" when
            the FX table has none), -o json each deal's amountNormalized with the rate.
              deals list --normalize --currency EUR --sort -amount

            --sort takes comma-separated fields (id, announced, amount, target, revision), each optionally
            prefixed with - for descending order.
            """
    )

    @OptionGroup(title: "Filter Options") var filter: DealFilterOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Sort order, e.g. -amount or announced,-amount.", valueName: "fields")
    )
    var sort: String?

    @Option(help: "Print at most this many deals (default: all).")
    var limit: Int?

    @Flag(help: "Convert every amount into --currency (USD by default) instead of listing only amounts in it.")
    var normalize = false

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public func validate() throws {
        if let limit = self.limit, limit < 1 {
            throw ValidationError("--limit must be at least 1")
        }
        if let sort = self.sort {
            do {
                _ = try Self.orderBy(sort)
            } catch {
                // A ValidationError, so ArgumentParser reports it as a usage error (exit status 2).
                throw ValidationError(error.message)
            }
        }
    }

    /// Translates `-amount,announced` into the service's `amount desc, announced`.
    public static func orderBy(_ sort: String) throws(DealInputError) -> String {
        let fields = ["id", "announced", "amount", "target", "revision"]
        var clauses: [String] = []
        for part in sort.split(separator: ",") {
            var field = part.trimmingSpaces()
            var descending = false
            if field.hasPrefix("-") {
                descending = true
                field.removeFirst()
            } else if field.hasPrefix("+") {
                field.removeFirst()
            }
            guard fields.contains(field) else {
                throw DealInputError(
                    "invalid sort field \"\(field)\"; expected \(fields.joined(separator: ", ")), "
                        + "each optionally prefixed with - for descending"
                )
            }
            clauses.append(descending ? field + " desc" : field)
        }
        return clauses.joined(separator: ", ")
    }

    /// The first page's request.
    public func request() throws -> Dealstore_V1_ListDealsRequest {
        var request = Dealstore_V1_ListDealsRequest()
        request.filter = try self.filter.filter()
        if self.normalize {
            // --currency names the currency to convert into, not a restriction (as in `deals totals`).
            request.filter.normalizeTo = request.filter.currencyCode.isEmpty ? "USD" : request.filter.currencyCode
            request.filter.currencyCode = ""
        }
        request.orderBy = try self.sort.map(Self.orderBy) ?? ""
        request.pageSize = Int32(clamping: min(self.limit ?? 1000, 1000))
        return request
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = try self.request()
        let (deals, total) = try await context.withClient(self.connection) { client in
            var deals: [Dealstore_V1_Deal] = []
            var total: Int64 = 0
            while true {
                let response = try await client.listDeals(request)
                deals += response.deals
                total = response.totalSize
                if response.nextPageToken.isEmpty || deals.count >= (self.limit ?? Int.max) {
                    break
                }
                request.pageToken = response.nextPageToken
            }
            return (Array(deals.prefix(self.limit ?? Int.max)), total)
        }
        let footer =
            Int64(deals.count) < total ? "\(deals.count) of \(total) deals" : DealViews.count(deals.count, "deal")
        let normalizedTo = request.filter.normalizeTo.isEmpty ? nil : request.filter.normalizeTo
        try context.emit(
            DealViews.deals(deals, footer: footer, normalizedTo: normalizedTo),
            as: self.format.output
        )
    }
}
