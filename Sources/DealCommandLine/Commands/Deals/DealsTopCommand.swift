public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals top [N]`: the largest deals by headline amount in one currency.
public struct DealsTopCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Show the largest deals by headline amount.",
        discussion: """
            Examples:
              deals top 10
              deals top 5 --since 2023 --currency EUR
              deals top 5 --currency EUR --native

            Deals in every currency are ranked by their headline amount converted into --currency (USD by
            default) at the deal's date with the ECB's reference rates; deals whose amount has no rate are not
            ranked. --native ranks only the deals whose amount is in --currency, without conversion.
            """
    )

    @Argument(help: "How many deals (1 to 1000).")
    var count: Int = 10

    @Flag(help: "Rank only deals whose amount is in --currency, without converting the others.")
    var native = false

    @OptionGroup(title: "Filter Options") var filter: DealFilterOptions
    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public func validate() throws {
        guard (1...1000).contains(self.count) else {
            throw ValidationError("the count must be between 1 and 1000, not \(self.count)")
        }
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_TopDealsRequest()
        request.limit = Int32(clamping: self.count)
        request.filter = try self.filter.filter()
        request.currencyCode = request.filter.currencyCode.isEmpty ? "USD" : request.filter.currencyCode
        if !self.native {
            request.filter.normalizeTo = request.currencyCode
            request.filter.currencyCode = ""
        }
        let response = try await context.withClient(self.connection) { client in
            try await client.topDeals(request)
        }
        try context.emit(DealViews.deals(response.deals), as: self.format.output)
    }
}
