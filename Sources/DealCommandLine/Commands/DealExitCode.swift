public import DealProtocol

/// The exit statuses of `deals`, distinct per kind of failure so scripts can react.
///
/// | Status | Meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | other failure (internal, unknown, unimplemented, data loss, cancelled) |
/// | 2 | usage error or invalid input (bad flag, amount, date, JSON line; INVALID_ARGUMENT, OUT_OF_RANGE) |
/// | 3 | not found (NOT_FOUND) |
/// | 4 | not allowed (PERMISSION_DENIED, UNAUTHENTICATED) |
/// | 5 | server unreachable or unavailable (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED) |
/// | 6 | conflict (ABORTED: stale etag; ALREADY_EXISTS; FAILED_PRECONDITION: e.g. deleting a referenced organization) |
public enum DealExitCode: Int32, Sendable, CaseIterable {
    /// Success.
    case success = 0
    /// Any failure without a more specific status.
    case failure = 1
    /// Usage error or invalid input.
    case usage = 2
    /// The record does not exist.
    case notFound = 3
    /// Missing, invalid or insufficient credentials.
    case permission = 4
    /// The server cannot be reached or is unavailable.
    case unavailable = 5
    /// A concurrency or state conflict.
    case conflict = 6

    /// The exit status for a call that ended with `code`.
    public static func forStatus(_ code: DealStatusCode) -> DealExitCode {
        switch code {
        case .ok: .success
        case .invalidArgument, .outOfRange: .usage
        case .notFound: .notFound
        case .permissionDenied, .unauthenticated: .permission
        case .unavailable, .deadlineExceeded, .resourceExhausted: .unavailable
        case .aborted, .alreadyExists, .failedPrecondition: .conflict
        default: .failure
        }
    }

    /// The table above, for `deals --help`.
    public static let helpText = """
        Exit status: 0 ok; 1 other failure; 2 usage or invalid input; 3 not found; \
        4 permission denied or unauthenticated; 5 server unreachable or unavailable; \
        6 conflict (stale --if-match etag, already exists, record still referenced).
        """
}
