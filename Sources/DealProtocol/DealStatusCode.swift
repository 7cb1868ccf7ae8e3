/// A gRPC status code: the outcome of a call, carried in TRAILERS and GOAWAY.
///
/// The values and meanings are gRPC's (0 `ok` to 16 `unauthenticated`). Codes outside that range received from a
/// peer are kept as they are and described as `unknown(N)`; a receiver treats them as ``unknown``.
public struct DealStatusCode: Hashable, Sendable, CustomStringConvertible {
    /// The numeric value sent on the wire.
    public var rawValue: Int32

    /// Wraps a numeric status code as received.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The call succeeded.
    public static let ok = DealStatusCode(rawValue: 0)
    /// The call was cancelled, typically by the caller.
    public static let cancelled = DealStatusCode(rawValue: 1)
    /// An error with no better code.
    public static let unknown = DealStatusCode(rawValue: 2)
    /// The request is malformed or a field is invalid, whatever the store's state.
    public static let invalidArgument = DealStatusCode(rawValue: 3)
    /// The deadline expired before the call completed.
    public static let deadlineExceeded = DealStatusCode(rawValue: 4)
    /// The requested record does not exist.
    public static let notFound = DealStatusCode(rawValue: 5)
    /// The record to create exists already.
    public static let alreadyExists = DealStatusCode(rawValue: 6)
    /// The caller is known but lacks the role the method needs.
    public static let permissionDenied = DealStatusCode(rawValue: 7)
    /// A limit was exceeded: message size, streams, connections, pings.
    public static let resourceExhausted = DealStatusCode(rawValue: 8)
    /// The store is not in a state that allows the operation (e.g. deleting a referenced organization).
    public static let failedPrecondition = DealStatusCode(rawValue: 9)
    /// A concurrency conflict: the etag given does not match the stored record.
    public static let aborted = DealStatusCode(rawValue: 10)
    /// A position past the valid range, e.g. watching from a compacted revision.
    public static let outOfRange = DealStatusCode(rawValue: 11)
    /// The method is not implemented by this server.
    public static let unimplemented = DealStatusCode(rawValue: 12)
    /// An invariant broke, including violations of the wire protocol.
    public static let `internal` = DealStatusCode(rawValue: 13)
    /// The service is unavailable (shutting down, read-only store); retrying later may succeed.
    public static let unavailable = DealStatusCode(rawValue: 14)
    /// Unrecoverable data loss or corruption.
    public static let dataLoss = DealStatusCode(rawValue: 15)
    /// The call carries no valid credentials.
    public static let unauthenticated = DealStatusCode(rawValue: 16)

    /// Every code gRPC defines, in numeric order.
    public static let allDefined: [DealStatusCode] = (0...16).map { DealStatusCode(rawValue: Int32($0)) }

    /// The code's gRPC name in upper snake case, e.g. `NOT_FOUND`.
    public var name: String {
        switch self.rawValue {
        case 0: "OK"
        case 1: "CANCELLED"
        case 2: "UNKNOWN"
        case 3: "INVALID_ARGUMENT"
        case 4: "DEADLINE_EXCEEDED"
        case 5: "NOT_FOUND"
        case 6: "ALREADY_EXISTS"
        case 7: "PERMISSION_DENIED"
        case 8: "RESOURCE_EXHAUSTED"
        case 9: "FAILED_PRECONDITION"
        case 10: "ABORTED"
        case 11: "OUT_OF_RANGE"
        case 12: "UNIMPLEMENTED"
        case 13: "INTERNAL"
        case 14: "UNAVAILABLE"
        case 15: "DATA_LOSS"
        case 16: "UNAUTHENTICATED"
        default: "UNKNOWN(\(self.rawValue))"
        }
    }

    public var description: String {
        self.name
    }
}
