public import ArgumentParser
import DealClient
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
              deals get amazon-anthropic-2023 --evidence
              deals get amazon-anthropic-2023 --evidence -o csv   # one row per quote
              deals get amazon-anthropic-2023 -o json > deal.json
              deals add --file deal.json   # after editing the id and fields
            """
    )

    @Argument(help: "The deal id.")
    var id: String

    @Flag(
        help: """
            Show the evidence of each figure: the sources' verbatim words (with an English rendering, paragraph \
            and sentence) and how the value follows from them. JSON always carries the evidence.
            """
    )
    var evidence = false

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
        try context.emit(
            self.evidence ? DealViews.dealWithEvidence(deal) : DealViews.deal(deal),
            as: self.format.output
        )
    }
}
