public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals export`: every organization and matching deal as JSON Lines, the format `deals import` reads.
public struct DealsExportCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export organizations and deals as JSON Lines.",
        discussion: """
            Examples:
              deals export > all.jsonl
              deals export --target anthropic > anthropic.jsonl
              deals export | jq -c 'select(.deal) | .deal.id'

            One DealRecord per line in the protobuf JSON mapping, organizations first; the output round-trips
            through `deals import`.
            """
    )

    @OptionGroup(title: "Filter Options") var filter: DealFilterOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_ExportDealsRequest()
        request.filter = try self.filter.filter()
        let count = try await context.withClient(self.connection) { client in
            var count = 0
            for try await record in client.exportDeals(request) {
                context.output.writeOut(try DealOutputDocument.json(record) + "\n")
                count += 1
            }
            return count
        }
        if context.output.errorIsTerminal {
            context.output.errorLine("exported \(count) records")
        }
    }
}
