public import ArgumentParser
import DealClient
import DealModel
import SwiftProtobuf

/// `deals update <id> --set field=value ...` and `deals orgs update`: replaces the named fields of one record.
///
/// One implementation for both kinds; ``DealsUpdateCommand`` and ``DealsOrgsUpdateCommand`` name it for each.
public struct DealRecordUpdateCommand<Kind: DealRecordKind>: AsyncParsableCommand, DealCommandRunnable {
    public static var configuration: CommandConfiguration { Kind.updateConfiguration }

    @Argument(help: ArgumentHelp(Kind.idHelp))
    var id: String

    @Option(
        name: .customLong("set"),
        parsing: .unconditionalSingleValue,
        help: ArgumentHelp("field=value; repeatable.", valueName: "field=value")
    )
    var assignments: [String] = []

    @Option(
        name: .customLong("if-match"),
        help: ArgumentHelp("Update only if the stored etag is this.", valueName: "etag")
    )
    var ifMatch: String?

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public func validate() throws {
        if self.assignments.isEmpty {
            throw ValidationError("nothing to update: give at least one --set field=value")
        }
    }

    /// The update request the flags describe.
    public func request() throws -> Kind.UpdateRequest {
        var request = Kind.UpdateRequest()
        request[keyPath: Kind.updatedRecord].id = self.id
        request.updateMask = try Kind.assign(self.assignments, to: &request[keyPath: Kind.updatedRecord])
        request.etag = self.ifMatch ?? ""
        return request
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        let request = try self.request()
        let record: Kind.Record = try await context.withClient(self.connection) { client in
            try await client.unary(Kind.methods.update, request: request)
        }
        try context.emit(Kind.view(record), as: self.format.output)
    }
}
