import DealModel
import DealProtocol
import Foundation
import NIOCore
import SwiftProtobuf

/// Every request a run may send, encoded before the run: per operation a pool of call templates, and the mix's
/// 256 slots for picking an operation with one random byte.
struct DealBenchWorkload: Sendable {
    /// The placeholder a created deal's id carries in its template; 16 hex digits are patched in per call.
    static let uniqueIDPlaceholder = "bench-new-0000000000000000"
    static let uniqueIDPrefixLength = "bench-new-".utf8.count

    /// Every template's bytes, back to back.
    let arena: ByteBuffer
    let templates: [DealBenchOperation: [DealBenchCallTemplate]]
    let slots: [DealBenchOperation]

    /// Builds the pools. `ids` are stored deal ids for get and update (a random sample of at most `poolSize`).
    init(mix: DealBenchMix, ids: [String], token: String?, timeoutMicros: UInt64, poolSize: Int) throws {
        var random = DealBenchRandom(seed: 0x5EED)
        var arena = ByteBuffer()
        var templates: [DealBenchOperation: [DealBenchCallTemplate]] = [:]
        let headers = try Self.headers(token: token, timeoutMicros: timeoutMicros)
        for operation in mix.operations where templates[operation] == nil {
            var pool: [DealBenchCallTemplate] = []
            switch operation {
            case .get, .update:
                guard !ids.isEmpty else {
                    throw DealBenchError("\(operation) needs stored deals: the store has none (use --preload N)")
                }
                for _ in 0..<min(poolSize, max(ids.count, 1)) {
                    let id = ids[random.below(ids.count)]
                    if operation == .get {
                        var request = Dealstore_V1_GetDealRequest()
                        request.id = id
                        pool.append(try Self.template(operation, headers: headers[operation]!, request, arena: &arena))
                    } else {
                        var request = Dealstore_V1_UpdateDealRequest()
                        request.deal.id = id
                        request.deal.notes = "Updated by dealbench."
                        request.updateMask = ["notes"]
                        pool.append(try Self.template(operation, headers: headers[operation]!, request, arena: &arena))
                    }
                }
            case .list:
                for index in 0..<min(poolSize, DealBenchDealGenerator.organizationCount) {
                    var request = Dealstore_V1_ListDealsRequest()
                    request.pageSize = 20
                    request.filter.investorIds = [DealBenchDealGenerator.organizationID(index)]
                    pool.append(try Self.template(operation, headers: headers[operation]!, request, arena: &arena))
                }
            case .summarize:
                for index in 0..<min(poolSize, DealBenchDealGenerator.organizationCount) {
                    var request = Dealstore_V1_SummarizeDealsRequest()
                    request.groupBy = .investor
                    request.filter.targetID = DealBenchDealGenerator.organizationID(index)
                    pool.append(try Self.template(operation, headers: headers[operation]!, request, arena: &arena))
                }
            case .summarizeAll:
                var request = Dealstore_V1_SummarizeDealsRequest()
                request.groupBy = .investor
                pool.append(try Self.template(operation, headers: headers[operation]!, request, arena: &arena))
            case .create:
                for index in 0..<min(poolSize, 1000) {
                    var request = Dealstore_V1_CreateDealRequest()
                    request.deal = DealBenchDealGenerator.deal(index: index, id: Self.uniqueIDPlaceholder)
                    pool.append(try Self.template(operation, headers: headers[operation]!, request, arena: &arena))
                }
            }
            templates[operation] = pool
        }
        self.arena = arena
        self.templates = templates
        self.slots = mix.slots
    }

    private static func headers(
        token: String?,
        timeoutMicros: UInt64
    ) throws -> [DealBenchOperation: Dealstore_V1_CallHeaders] {
        var all: [DealBenchOperation: Dealstore_V1_CallHeaders] = [:]
        for operation in DealBenchOperation.allCases {
            var headers = Dealstore_V1_CallHeaders()
            headers.method = operation.method.path
            headers.timeoutMicros = timeoutMicros
            if let token {
                var entry = Dealstore_V1_MetadataEntry()
                entry.key = DealProtocolVersion.authorizationMetadataKey
                entry.value = Data("Bearer \(token)".utf8)
                headers.metadata = [entry]
            }
            all[operation] = headers
        }
        return all
    }

    private static func template(
        _ operation: DealBenchOperation,
        headers: Dealstore_V1_CallHeaders,
        _ request: some SwiftProtobuf.Message,
        arena: inout ByteBuffer
    ) throws -> DealBenchCallTemplate {
        let start = arena.writerIndex
        try DealFrame(kind: .headers, streamID: 0, message: headers).write(to: &arena)
        let messageOffset = arena.writerIndex - start
        try DealFrame(kind: .message, flags: .endStream, streamID: 0, message: request).write(to: &arena)
        var uniqueOffset = -1
        if operation == .create {
            let bytes = arena.viewBytes(at: start, length: arena.writerIndex - start)!
            let placeholder = Array(Self.uniqueIDPlaceholder.utf8)
            guard let range = bytes.firstRange(of: placeholder) else {
                throw DealBenchError("internal: the id placeholder is missing from the create template")
            }
            uniqueOffset = range.lowerBound - bytes.startIndex + Self.uniqueIDPrefixLength
        }
        return DealBenchCallTemplate(
            offset: start,
            length: arena.writerIndex - start,
            messageFrameOffset: messageOffset,
            uniqueDigitsOffset: uniqueOffset
        )
    }

    /// A copy whose arena shares no storage with other copies, so connections on different threads never touch
    /// one reference count.
    func privateCopy() -> DealBenchWorkload {
        DealBenchWorkload(
            arena: ByteBuffer(bytes: self.arena.readableBytesView),
            templates: self.templates,
            slots: self.slots
        )
    }

    private init(
        arena: ByteBuffer,
        templates: [DealBenchOperation: [DealBenchCallTemplate]],
        slots: [DealBenchOperation]
    ) {
        self.arena = arena
        self.templates = templates
        self.slots = slots
    }
}
