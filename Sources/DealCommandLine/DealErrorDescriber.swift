import DealProtocol

/// Turns call failures into one-line messages that say what to do, naming the address, CA file and token source.
public enum DealErrorDescriber {
    /// The message and exit status for `error` on `connection`.
    public static func failure(for error: DealRPCError, connection: DealResolvedConnection) -> DealCommandFailure {
        let exitCode = DealExitCode.forStatus(error.code)
        let detail = error.message.isEmpty ? error.code.name : error.message
        let message: String
        switch error.code {
        case .unavailable where Self.looksLikeTLS(detail):
            let ca =
                connection.caFile.map { "trusted CA \($0) (from \(connection.caSource ?? "settings"))" }
                ?? "the system's trusted CAs (no --ca, DEALS_CA, profile or local ca.pem)"
            message =
                "TLS with \(connection.address) failed: \(detail); used \(ca). "
                + "Pass --ca or set DEALS_CA to the CA that signed the server's certificate"
        case .unavailable, .deadlineExceeded:
            message =
                "cannot reach dealsd at \(connection.address) (from \(connection.addressSource)): \(detail). "
                + "Is dealsd running? Start it with `dealsd`, or point --addr / DEALS_ADDR at the server"
        case .unauthenticated where connection.token == nil:
            message =
                "the server needs a token and none was found (looked in "
                + connection.tokenSearch.joined(separator: ", ")
                + "); pass --token or set DEALS_TOKEN"
        case .unauthenticated:
            message =
                "the server refused the token from \(connection.tokenSource ?? "settings"): \(detail). "
                + "Check --token / DEALS_TOKEN"
        case .permissionDenied:
            message =
                "permission denied: \(detail) (token from \(connection.tokenSource ?? "nowhere"));"
                + " use a token with a higher role"
        case .notFound:
            message = "not found: \(detail)"
        case .aborted:
            message = "conflict: \(detail). The record changed since you read it: `deals get` it again for the new etag"
        case .alreadyExists:
            message = "already exists: \(detail)"
        case .failedPrecondition:
            message = "refused: \(detail)"
        case .invalidArgument, .outOfRange:
            message = "invalid request: \(detail)"
        default:
            message = "\(error.code.name.lowercased()): \(detail)"
        }
        return DealCommandFailure(message, exitCode: exitCode)
    }

    private static func looksLikeTLS(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return ["certificate", "tls", "ssl", "handshake", "verify"].contains { lowered.contains($0) }
    }
}
