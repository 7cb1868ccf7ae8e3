import COpenSSL
import DealProtocol
import DealTLS
import Foundation
import Synchronization

/// Decides which role a call has: from its bearer token, else from its client certificate.
///
/// Tokens are never stored: the tokens file holds SHA-256 hashes (see ``DealTokensFile``), and a presented token
/// is hashed and compared in constant time. ``reload(tokensFile:certificateRoles:)`` swaps the whole table
/// atomically (SIGHUP), so calls in flight keep the decision they got.
final class DealAuthorizer: Sendable {
    struct Table: Sendable {
        var tokens: [DealTokensFile.Entry]
        var certificateRoles: [String: DealRole]
        var anonymousMethods: Set<String>
    }

    private let table: Mutex<Table>
    /// Bumped after every reload, so a connection's ``DealAuthorizationCache`` knows when its answer is stale.
    private let generation = Atomic<UInt64>(0)

    init(tokens: [DealTokensFile.Entry], certificateRoles: [String: DealRole], anonymousMethods: Set<String>) {
        self.table = Mutex(
            Table(tokens: tokens, certificateRoles: certificateRoles, anonymousMethods: anonymousMethods)
        )
    }

    /// Replaces tokens and certificate mappings.
    func reload(tokens: [DealTokensFile.Entry], certificateRoles: [String: DealRole]) {
        self.table.withLock {
            $0.tokens = tokens
            $0.certificateRoles = certificateRoles
        }
        // After the swap: a cache filled from the old table is then seen as stale.
        self.generation.add(1, ordering: .releasing)
    }

    /// ``authorize(method:authorization:identity:)`` remembering the last token's role per connection.
    ///
    /// A client sends the same `authorization` on every call; hashing it (SHA-256) and scanning the table under
    /// the shared lock per call cost more than serving a read. The cache answers a repeated token without the
    /// hash or the lock until the table is reloaded.
    func authorize(
        method: DealMethod,
        authorization: String?,
        identity: DealTLSPeerIdentity?,
        cache: inout DealAuthorizationCache
    ) -> Decision {
        // Loaded before the table is read, so an entry is never newer than the generation it is filed under.
        let generation = self.generation.load(ordering: .acquiring)
        if let authorization, let role = cache.role(for: authorization, generation: generation) {
            let required: DealRole = method.isMutation ? .write : .read
            guard role >= required else {
                return .permissionDenied("\(method.path) needs the \(required) role; the caller has \(role)")
            }
            return .allowed(role)
        }
        let decision = self.authorize(method: method, authorization: authorization, identity: identity)
        if let authorization {
            switch decision {
            case .allowed(let role) where role != .none:
                cache.store(authorization: authorization, role: role, generation: generation)
            case .permissionDenied:
                // A valid token with too small a role: its role is still worth remembering.
                if let role = self.tokenRole(authorization) {
                    cache.store(authorization: authorization, role: role, generation: generation)
                }
            default:
                break
            }
        }
        return decision
    }

    private func tokenRole(_ authorization: String) -> DealRole? {
        guard authorization.hasPrefix("Bearer "), authorization.count > 7 else { return nil }
        let digest = DealTokensFile.hash(token: String(authorization.dropFirst(7)))
        return self.table.withLock { table in
            table.tokens.first(where: { DealTokensFile.constantTimeEqual($0.hash, digest) })?.role
        }
    }

    /// The outcome of checking a call's credentials against its method.
    enum Decision: Equatable {
        case allowed(DealRole)
        case unauthenticated(String)
        case permissionDenied(String)
    }

    /// Checks credentials and the role the method needs, without looking at any record, so the answer never
    /// reveals whether a record exists.
    func authorize(method: DealMethod, authorization: String?, identity: DealTLSPeerIdentity?) -> Decision {
        let required: DealRole = method.isMutation ? .write : .read
        return self.table.withLock { table in
            var role = DealRole.none
            if let authorization {
                guard authorization.hasPrefix("Bearer "), authorization.count > 7 else {
                    return .unauthenticated(
                        "the authorization metadata must be \"Bearer <token>\"; check DEALS_TOKEN or --token"
                    )
                }
                let digest = DealTokensFile.hash(token: String(authorization.dropFirst(7)))
                guard let entry = table.tokens.first(where: { DealTokensFile.constantTimeEqual($0.hash, digest) })
                else {
                    return .unauthenticated(
                        "the bearer token is not valid; ask an administrator for a token (dealsd token create)"
                    )
                }
                role = entry.role
            } else if let identity {
                role = identity.matchKeys.compactMap { table.certificateRoles[$0] }.max() ?? .none
            }
            if role == .none {
                if table.anonymousMethods.contains(method.path) {
                    return .allowed(.none)
                }
                return .unauthenticated(
                    "\(method.path) needs credentials: send \"authorization: Bearer <token>\" metadata"
                        + " or a client certificate mapped to a role"
                )
            }
            guard role >= required else {
                return .permissionDenied("\(method.path) needs the \(required) role; the caller has \(role)")
            }
            return .allowed(role)
        }
    }
}
