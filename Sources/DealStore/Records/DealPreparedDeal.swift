import DealModel
import SwiftProtobuf

/// A new deal validated and serialized off the store's lock, waiting for its revision.
///
/// Why: with two event loops creating at once, the validation and the encoding under the lock were most of the
/// time the lock was held, and the other loop spun for it. Prepared outside, the locked part is the id check,
/// the meta (appended to `body` as the last field, which is where protobuf's field order puts it), the index and
/// the log record. The organizations it was validated against are identified by `organizationsVersion`.
struct DealPreparedDeal: Sendable {
    /// The validated deal, references resolved to ids, without meta.
    var deal: Dealstore_V1_Deal
    /// `deal` serialized (without meta).
    var body: [UInt8]
    var organizationsVersion: UInt64

    /// The stored bytes: `body` followed by field 31 (meta), byte for byte what serializing the deal with its
    /// meta yields.
    func bytes(meta: Dealstore_V1_RecordMeta) throws(DealStoreError) -> [UInt8] {
        let metaBytes: [UInt8]
        do {
            metaBytes = try meta.serializedBytes()
        } catch {
            throw DealStoreError(code: .internal, message: "cannot encode the meta of '\(self.deal.id)'", cause: error)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.body.count + metaBytes.count + 4)
        bytes.append(contentsOf: self.body)
        // Tag of field 31, wire type 2 (length-delimited): (31 << 3) | 2 = 250, a two-byte varint.
        bytes.append(0xFA)
        bytes.append(0x01)
        DealVarint.append(UInt64(metaBytes.count), to: &bytes)
        bytes.append(contentsOf: metaBytes)
        return bytes
    }
}
