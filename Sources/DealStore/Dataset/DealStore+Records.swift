public import DealModel
import Foundation
import HashTreeCollections
import Logging
import SwiftProtobuf

/// What ``DealStore/importRecords(_:policy:)`` did.
public struct DealImportResult: Sendable {
    /// Records created.
    public var created = 0
    /// Existing records replaced (policy REPLACE).
    public var updated = 0
    /// Existing records left alone (policy SKIP).
    public var skipped = 0
    /// Records refused, with the reason (0-based index in the input).
    public var rejections: [Dealstore_V1_ImportRejection] = []
}

extension DealStore {
    /// Imports records in order (organizations before the deals that refer to them), durably.
    ///
    /// A record whose id exists is skipped or replaced per `policy`; an invalid record is rejected with its
    /// reason and the import goes on. Records are written in batches of 1,000, each batch made durable before the
    /// next; the result counts every record.
    public func importRecords(
        _ records: [Dealstore_V1_DealRecord],
        policy: Dealstore_V1_ImportConflictPolicy = .skip
    ) async throws(DealStoreError) -> DealImportResult {
        var result = DealImportResult()
        var start = 0
        while start < records.count {
            let end = min(records.count, start + 1000)
            let chunk = Array(records[start..<end])
            let offset = start
            let partial = try await self.submit { (state, batch) throws(DealStoreError) -> DealImportResult in
                var partial = DealImportResult()
                for (index, record) in chunk.enumerated() {
                    do throws(DealStoreError) {
                        try Self.importOne(record, policy: policy, state: &state, batch: &batch, result: &partial)
                    } catch {
                        var rejection = Dealstore_V1_ImportRejection()
                        rejection.index = UInt64(offset + index)
                        switch record.record {
                        case .deal(let deal): rejection.id = deal.id
                        case .organization(let organization): rejection.id = organization.id
                        case nil: break
                        }
                        rejection.reason = error.message
                        partial.rejections.append(rejection)
                    }
                }
                return partial
            }
            result.created += partial.created
            result.updated += partial.updated
            result.skipped += partial.skipped
            result.rejections += partial.rejections
            start = end
        }
        return result
    }

    static func importOne(
        _ record: Dealstore_V1_DealRecord,
        policy: Dealstore_V1_ImportConflictPolicy,
        state: inout DealStoreState,
        batch: inout DealWriteBatch,
        result: inout DealImportResult
    ) throws(DealStoreError) {
        switch record.record {
        case .organization(let organization):
            if state.organizations[organization.id] != nil {
                if policy == .replace {
                    _ = try Self.updateOrganization(organization, mask: [], etag: "", state: &state, batch: &batch)
                    result.updated += 1
                } else {
                    result.skipped += 1
                }
            } else {
                _ = try Self.createOrganization(organization, validateOnly: false, state: &state, batch: &batch)
                result.created += 1
            }
        case .deal(let deal):
            if !deal.id.isEmpty && state.deals[deal.id] != nil {
                if policy == .replace {
                    _ = try Self.updateDeal(deal, mask: [], etag: "", state: &state, batch: &batch)
                    result.updated += 1
                } else {
                    result.skipped += 1
                }
            } else {
                _ = try Self.createDeal(deal, validateOnly: false, state: &state, batch: &batch)
                result.created += 1
            }
        case nil:
            throw .invalid("record", "is empty: set organization or deal")
        }
    }

    /// A consistent view of every organization, then every deal matching `filter`, for an export.
    ///
    /// Read from one published version, off every lock: filtering (which may decode deals) and sorting delay no
    /// writer or reader, and the export is the state at one durable revision.
    public func exportView(
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter()
    ) throws(DealStoreError) -> DealExportView {
        let version = self.version
        let (organizations, revision) = (version.organizations, version.revision)
        let matcher = try DealFilterMatcher(filter, version: version, fxTable: self.fxTable)
        let entries = Self.matching(matcher, in: version)
        return DealExportView(
            organizations: organizations.keys.sorted().compactMap { organizations[$0] },
            deals: entries.sorted { $0.id < $1.id },
            revision: revision
        )
    }

    /// Every organization (id order), then every deal matching `filter` (id order), as stored.
    public func exportRecords(
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter()
    ) throws(DealStoreError) -> [Dealstore_V1_DealRecord] {
        let view = try self.exportView(filter: filter)
        var records: [Dealstore_V1_DealRecord] = []
        records.reserveCapacity(view.count)
        for index in 0..<view.count {
            records.append(try view.record(at: index))
        }
        return records
    }

    /// Parses JSON Lines (one `DealRecord` per line, protobuf JSON mapping; blank lines ignored).
    ///
    /// Throws ``DealStoreError/Code/invalidArgument`` naming the line.
    public static func parseJSONLines(_ bytes: [UInt8]) throws(DealStoreError) -> [Dealstore_V1_DealRecord] {
        var records: [Dealstore_V1_DealRecord] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) {
                continue
            }
            do {
                records.append(try Dealstore_V1_DealRecord(jsonUTF8Bytes: Array(line)))
            } catch {
                throw DealStoreError(
                    code: .invalidArgument,
                    message: "line \(lineNumber): not a DealRecord in protobuf JSON (\(error))",
                    cause: error
                )
            }
        }
        return records
    }

    /// Formats records as JSON Lines (protobuf JSON mapping), the import/export file format.
    public static func formatJSONLines(_ records: [Dealstore_V1_DealRecord]) throws(DealStoreError) -> String {
        var text = ""
        for record in records {
            do {
                text += try record.jsonString() + "\n"
            } catch {
                throw DealStoreError(code: .internal, message: "cannot format a record as JSON", cause: error)
            }
        }
        return text
    }

    /// The bundled dataset: the seed articles' deals, as JSON Lines records.
    public static func seedRecords() throws(DealStoreError) -> [Dealstore_V1_DealRecord] {
        try Self.parseJSONLines(PackageResources.seed_jsonl)
    }

    func loadSeed() async throws(DealStoreError) {
        let result = try await self.importRecords(try Self.seedRecords(), policy: .skip)
        if let rejection = result.rejections.first {
            throw DealStoreError(
                code: .internal,
                message:
                    "the bundled seed record \(rejection.index) ('\(rejection.id)') is invalid: \(rejection.reason)"
            )
        }
        self.logger.info("seeded the bundled dataset", metadata: ["records": "\(result.created)"])
    }

    /// A deterministic digest of the stored records (hex), equal for equal states.
    ///
    /// With `includingMeta` false the records' meta (revisions, etags, times) is left out, so two stores that
    /// applied the same changes in different runs compare equal (the crash test's check).
    public func stateDigest(includingMeta: Bool = true) -> String {
        let version = self.version
        let (organizations, deals) = (version.organizations, version.deals)
        var hash = DealDigest()
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        for id in organizations.keys.sorted() {
            var organization = organizations[id]!
            if !includingMeta { organization.clearMeta() }
            hash.update(Array(id.utf8))
            hash.update((try? organization.serializedBytes(options: options)) ?? [])
        }
        for id in deals.keys.sorted() {
            hash.update(Array(id.utf8))
            if includingMeta {
                hash.update(deals[id]!.bytes)
            } else if var deal = try? deals[id]!.decode() {
                deal.clearMeta()
                hash.update((try? deal.serializedBytes(options: options)) ?? [])
            }
        }
        return hash.hex
    }
}

/// 64-bit FNV-1a plus CRC-32C over length-prefixed parts: cheap, deterministic, and collision-resistant enough to
/// compare two states in tests (not a cryptographic hash).
struct DealDigest {
    var fnv: UInt64 = 0xcbf2_9ce4_8422_2325
    var crc: UInt32 = 0

    mutating func update(_ bytes: [UInt8]) {
        var length = UInt32(bytes.count)
        for _ in 0..<4 {
            self.mix(UInt8(truncatingIfNeeded: length))
            length >>= 8
        }
        for byte in bytes { self.mix(byte) }
        self.crc = bytes.withUnsafeBytes { DealCRC32C.checksum($0, continuing: self.crc) }
    }

    private mutating func mix(_ byte: UInt8) {
        self.fnv = (self.fnv ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    var hex: String {
        String(self.fnv, radix: 16) + "-" + String(self.crc, radix: 16)
    }
}
