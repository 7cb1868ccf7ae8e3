public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals coinvestors <investor>`: who invested in the same companies.
public struct DealsCoinvestorsCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "coinvestors",
        abstract: "List organizations that invested in the same companies as an investor.",
        discussion: """
            Examples:
              deals coinvestors Google
              deals coinvestors amazon -o json
            """
    )

    @Argument(help: "An investor id, name or alias.")
    var investor: String

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_ListCoInvestorsRequest()
        request.investorID = self.investor
        let response = try await context.withClient(self.connection) { client in
            try await client.listCoInvestors(request)
        }
        try context.emit(DealViews.coInvestors(response), as: self.format.output)
    }
}
