public import DealClient
public import DealProtocol

/// Turns call failures into one-line messages that say what to do, naming the address, CA file and token source.
public enum DealErrorDescriber {
    /// The message and exit status for `error` on `connection`.
    public static func failure(for error: DealRPCError, connection: DealResolvedConnection) -> DealCommandFailure {
        let exitCode = DealExitCode.forStatus(error.code)
        let detail = error.message.isEmpty ? error.code.name : error.message
        let message: String
        switch error.code {
        case .unavailable where Self.looksLikeTLS(detail):
            // The transport's message may already name the CA file; say which one was used only when it does not.
            let ca =
                connection.caFile.map { "trusted CA \($0) (from \(connection.caSource ?? "settings"))" }
                ?? "the system's trusted CAs (no CA file in \(connection.caSearch.joined(separator: ", ")))"
            let used = connection.caFile.map { detail.contains($0) } == true ? "" : "; used \(ca)"
            message =
                "TLS with \(connection.address) failed: \(Self.sentence(detail))\(used). "
                + "Pass --ca or set DEALS_CA to the CA that signed the server's certificate"
        case .unavailable, .deadlineExceeded:
            let hint =
                detail.contains("dealsd")
                ? "" : ". Is dealsd running? Start it with `dealsd`, or point --addr / DEALS_ADDR at the server"
            message =
                "cannot reach dealsd at \(connection.address) (from \(connection.addressSource)): "
                + Self.sentence(detail) + hint
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
            let list = detail.contains("organization") ? "deals orgs list" : "deals list"
            let what = detail.lowercased().contains("not found") ? Self.sentence(detail) : "not found: " + detail
            message = what + "; `\(list)` shows what exists"
        case .aborted:
            let hint =
                detail.contains("read it again")
                ? "" : ". The record changed since you read it: `deals get` it again for the new etag"
            message = "conflict: " + Self.sentence(detail) + hint
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

    /// The text without a final period, so hints can follow it.
    private static func sentence(_ text: String) -> String {
        var text = text.trimmingSpaces()
        while text.hasSuffix(".") {
            text.removeLast()
        }
        return text
    }

    private static func looksLikeTLS(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return ["certificate", "tls", "ssl", "handshake", "verify"].contains { lowered.contains($0) }
    }
}
