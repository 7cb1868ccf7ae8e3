import DealProtocol

/// The responses of a server-streaming call whose count is known up front, each made when it is sent.
struct DealLazyResponses<Response> {
    /// How many responses there are.
    let count: Int
    /// The store revision the responses show (the stream's `revision` trailer).
    let revision: UInt64
    /// Makes response `index` (0 ≤ index < ``count``).
    let response: (Int) throws -> Response

    static var empty: Self {
        Self(count: 0, revision: 0) { index in
            throw DealRPCError(code: .internal, message: "no response \(index) in an empty list")
        }
    }
}
