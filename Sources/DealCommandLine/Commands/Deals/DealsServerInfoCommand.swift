public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals server-info`: versions, revisions, counts and the caller's role.
public struct DealsServerInfoCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "server-info",
        abstract: "Show the server's version, store revision, counts and your role.",
        discussion: """
            Examples:
              deals server-info
              deals server-info -o json | jq .storeRevision
            """
    )

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        let (info, address) = try await context.withClient(self.connection) { client in
            (
                try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()),
                "\(client.configuration.host):\(client.configuration.port)"
            )
        }
        try context.emit(DealViews.serverInfo(info, address: address), as: self.format.output)
    }
}
