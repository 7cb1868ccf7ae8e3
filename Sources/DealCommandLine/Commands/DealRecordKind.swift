public import ArgumentParser
import DealClient
public import DealModel
public import DealProtocol
public import SwiftProtobuf

/// One kind of record the write commands edit: deals (``DealDealRecords``) or organizations
/// (``DealOrganizationRecords``).
///
/// `deals update|delete` and `deals orgs update|delete` are one generic command each
/// (``DealRecordUpdateCommand``, ``DealRecordDeleteCommand``), and the two add commands, which keep their own flags,
/// share ``create(_:options:connection:context:)``; what differs between the kinds (names, help, messages,
/// methods, rendering) is said once here.
public protocol DealRecordKind: Sendable {
    /// The record message: `Dealstore_V1_Deal`, `Dealstore_V1_Organization`.
    associatedtype Record: DealWritableRecord
    /// Its Update…Request message.
    associatedtype UpdateRequest: DealUpdateRecordRequest
    /// Its Delete…Request message.
    associatedtype DeleteRequest: DealDeleteRecordRequest
    /// Its Delete…Response message.
    associatedtype DeleteResponse: DealDeleteRecordResponse

    /// How messages name one record: "deal", "organization".
    static var noun: String { get }
    /// The message a JSON file must hold, with its article: "a Deal", "an Organization".
    static var messageName: String { get }
    /// The help of the `<id>` argument of update and delete.
    static var idHelp: String { get }
    /// The help and name of the update command.
    static var updateConfiguration: CommandConfiguration { get }
    /// The help and name of the delete command.
    static var deleteConfiguration: CommandConfiguration { get }
    /// The methods that create, update and delete one record.
    static var methods: (create: DealMethod, update: DealMethod, delete: DealMethod) { get }
    /// Where the record is in an update request.
    static var updatedRecord: WritableKeyPath<UpdateRequest, Record> { get }

    /// Sets the `--set field=value` assignments on `record` and returns the update mask (proto field names).
    static func assign(_ assignments: [String], to record: inout Record) throws -> [String]
    /// Renders a record the server returned, as `get` shows it.
    static func view(_ record: Record) -> DealOutputDocument
}

extension DealRecordKind {
    /// The record in `file` (protobuf JSON mapping; `-` reads stdin), or an empty one without a file.
    static func record(from file: String?, context: DealCommandContext) throws -> Record {
        guard let file else { return Record() }
        let text = try context.readText(file)
        do {
            return try Record(jsonString: text)
        } catch {
            throw DealInputError("\(file) is not \(Self.messageName) in the protobuf JSON mapping: \(error)")
        }
    }

    /// Sends a create request (its `validate_only` set from `--dry-run`), says on stderr for table output what happened and
    /// renders the record the server stored (or would store).
    static func create(
        _ request: some SwiftProtobuf.Message,
        options: DealCreateOptions,
        connection: DealConnectionOptions,
        context: DealCommandContext
    ) async throws {
        let record: Record = try await context.withClient(connection) { client in
            try await client.unary(Self.methods.create, request: request)
        }
        if options.format.output == .table {
            context.output.errorLine(options.dryRun ? "valid (not stored):" : "created \(Self.noun) \(record.id)")
        }
        try context.emit(Self.view(record), as: options.format.output)
    }
}

/// A record message the write commands send: it has an id.
public protocol DealWritableRecord: SwiftProtobuf.Message, Sendable {
    /// The record's id.
    var id: String { get set }
}

/// An Update…Request message: a record, the fields to replace and the etag that guards it.
public protocol DealUpdateRecordRequest: SwiftProtobuf.Message, Sendable {
    /// The proto names of the fields to replace.
    var updateMask: [String] { get set }
    /// The etag the stored record must have; empty for any.
    var etag: String { get set }
}

/// A Delete…Request message: an id and the etag that guards it.
public protocol DealDeleteRecordRequest: SwiftProtobuf.Message, Sendable {
    /// The id of the record to delete.
    var id: String { get set }
    /// The etag the stored record must have; empty for any.
    var etag: String { get set }
}

/// A Delete…Response message: the store's revision after the delete.
public protocol DealDeleteRecordResponse: SwiftProtobuf.Message, Sendable {
    /// The revision of the store after the delete.
    var revision: UInt64 { get }
}

extension Dealstore_V1_Deal: DealWritableRecord {}
extension Dealstore_V1_Organization: DealWritableRecord {}
extension Dealstore_V1_UpdateDealRequest: DealUpdateRecordRequest {}
extension Dealstore_V1_UpdateOrganizationRequest: DealUpdateRecordRequest {}
extension Dealstore_V1_DeleteDealRequest: DealDeleteRecordRequest {}
extension Dealstore_V1_DeleteOrganizationRequest: DealDeleteRecordRequest {}
extension Dealstore_V1_DeleteDealResponse: DealDeleteRecordResponse {}
extension Dealstore_V1_DeleteOrganizationResponse: DealDeleteRecordResponse {}
