import DealModel
import SwiftProtobuf

/// A deal as a write stored it: the message and its serialized bytes, the very bytes that went to the log and the
/// store (empty for a validate-only call, which stores nothing).
struct DealWrittenDeal: Sendable {
    var deal: Dealstore_V1_Deal
    var bytes: [UInt8]

    /// The serialized deal: the stored bytes, or (validate-only) the deal encoded now, off the store's lock.
    func serialized() throws(DealStoreError) -> [UInt8] {
        if !self.bytes.isEmpty { return self.bytes }
        do {
            return try self.deal.serializedBytes()
        } catch {
            throw DealStoreError(code: .internal, message: "cannot encode deal '\(self.deal.id)'", cause: error)
        }
    }
}
