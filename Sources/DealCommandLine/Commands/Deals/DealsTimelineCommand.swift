public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals timeline <org>`: a company's deals, tranches, options and valuations in date order.
public struct DealsTimelineCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show a company's deals, tranches and valuations in date order.",
        discussion: """
            Examples:
              deals timeline Anthropic
              deals timeline openai -o csv
            """
    )

    @Argument(help: "An organization id, name or alias.")
    var organization: String

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_GetTimelineRequest()
        request.organizationID = self.organization
        let timeline = try await context.withClient(self.connection) { client in
            try await client.getTimeline(request)
        }
        try context.emit(DealViews.timeline(timeline), as: self.format.output)
    }
}
