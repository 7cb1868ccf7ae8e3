import DealProtocol

/// The responses of a server-streaming call whose count is known up front, each made when it is sent.
struct DealLazyResponses<Response> {
    /// How many responses there are.
    let count: Int
    /// Makes response `index` (0 ≤ index < ``count``).
    let response: (Int) throws -> Response

    static var empty: Self {
        Self(count: 0) { index in
            throw DealRPCError(code: .internal, message: "no response \(index) in an empty list")
        }
    }
}
