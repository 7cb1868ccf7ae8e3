import ArgumentParser
import DealModel
import DealProtocol

/// `deals get <id>`: one deal with its participations, tranches, options, valuations, terms, sources and claims.
public struct DealsGetCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one deal in full.",
        discussion: """
            Examples:
              deals get amazon-anthropic-2023
              deals get amazon-anthropic-2023 -o json > deal.json
              deals add --file deal.json   # after editing the id and fields
            """
    )

    @Argument(help: "The deal id.")
    var id: String

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_GetDealRequest()
        request.id = self.id
        let deal = try await context.withClient(self.connection) { client in
            try await client.getDeal(request)
        }
        try context.emit(DealViews.deal(deal), as: self.format.output)
    }
}
