import DealProtocol
import NIOCore
import SwiftProtobuf

/// The request messages of a client-streaming call, kept as their wire bytes and decoded again, a slice at a
/// time, only when the call's work uses them.
///
/// Decoded messages take many times their wire size (a heap object per sub-message), so a call that kept every
/// decoded request until the client's last one would hold a multiple of what the byte limits allow. Each message
/// was decoded once on arrival, so a malformed one failed the call then and decoding here does not fail for it.
struct DealReceivedRequests<Request: SwiftProtobuf.Message>: Sendable {
    /// Each request message's bytes, in arrival order.
    private(set) var messages: [ByteBuffer] = []
    /// The first request, decoded: it carries the call's options (an import's conflict policy).
    private(set) var first: Request?

    var count: Int { self.messages.count }

    /// Adds a message that decoded as `decoded`.
    mutating func append(_ bytes: ByteBuffer, decoded: Request) {
        if self.first == nil {
            self.first = decoded
        }
        self.messages.append(bytes)
    }

    /// The requests at `range`, decoded.
    func decode(_ range: Range<Int>) throws(DealRPCError) -> [Request] {
        var requests: [Request] = []
        requests.reserveCapacity(range.count)
        for index in range {
            requests.append(try DealFrame.decode(Request.self, from: self.messages[index], what: "request \(index)"))
        }
        return requests
    }
}
