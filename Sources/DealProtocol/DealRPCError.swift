/// The error a call ends with: a status code, a message for people, and what caused it.
///
/// Shaped like grpc-swift-2's `RPCError`. Servers throw it from handlers to choose the status a caller sees;
/// clients receive it when a call's TRAILERS carry a code other than ``DealStatusCode/ok`` or when the connection
/// fails under a call. The `cause` never crosses the wire.
public struct DealRPCError: Error, Sendable, CustomStringConvertible {
    /// The status code sent in TRAILERS.
    public var code: DealStatusCode
    /// What went wrong and what to do about it.
    public var message: String
    /// Metadata sent with the TRAILERS.
    public var metadata: [DealMetadataEntry]
    /// The underlying error, kept for logs; never sent to the peer.
    public var cause: (any Error)?

    /// Creates an error with a code, a message and optionally metadata and the underlying cause.
    public init(
        code: DealStatusCode,
        message: String,
        metadata: [DealMetadataEntry] = [],
        cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.metadata = metadata
        self.cause = cause
    }

    /// `CODE: message`, then the cause unless the message already quotes it (the client's connection errors
    /// do), so the cause is said once.
    public var description: String {
        if let cause = self.cause, !Self.message(self.message, quotes: "\(cause)") {
            return "\(self.code.name): \(self.message) (cause: \(cause))"
        }
        return "\(self.code.name): \(self.message)"
    }

    /// Whether `message` contains `cause`'s text, or the text after its `code: ` prefix.
    private static func message(_ message: String, quotes cause: String) -> Bool {
        if message.contains(cause) { return true }
        guard let colon = cause.firstIndex(of: ":") else { return false }
        let detail = cause[cause.index(after: colon)...].drop { $0 == " " }
        return !detail.isEmpty && message.contains(detail)
    }
}
