public import ArgumentParser
import DealClient
import DealModel
import SwiftProtobuf

/// `deals delete <id>` and `deals orgs delete <id>`: removes one record, optionally only if unchanged since read.
///
/// One implementation for both kinds; ``DealsDeleteCommand`` and ``DealsOrgsDeleteCommand`` name it for each.
public struct DealRecordDeleteCommand<Kind: DealRecordKind>: AsyncParsableCommand, DealCommandRunnable {
    public static var configuration: CommandConfiguration { Kind.deleteConfiguration }

    @Argument(help: ArgumentHelp(Kind.idHelp))
    var id: String

    @Option(
        name: .customLong("if-match"),
        help: ArgumentHelp("Delete only if the stored etag is this.", valueName: "etag")
    )
    var ifMatch: String?

    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Kind.DeleteRequest()
        request.id = self.id
        request.etag = self.ifMatch ?? ""
        let response: Kind.DeleteResponse = try await context.withClient(self.connection) { client in
            try await client.unary(Kind.methods.delete, request: request)
        }
        context.output.line("deleted \(Kind.noun) \(self.id) at revision \(response.revision)")
    }
}
