import DealProtocol
import DealTLS
import Foundation
import NIOCore
import Synchronization

/// Decides which role a call has: from its bearer token, else from its client certificate.
///
/// Tokens are never stored: the tokens file holds SHA-256 hashes (see ``DealTokensFile``), and a presented token
/// is hashed and compared in constant time. ``reload(tokens:certificateRoles:)`` swaps the whole table
/// atomically (SIGHUP). Open server-streaming calls (watches, exports) authorized by a token that the reload
/// removes or demotes are ended with UNAUTHENTICATED or PERMISSION_DENIED, and calls whose request had not ended
/// are refused when it ends; a call whose request is complete keeps its decision (see
/// ``revocable(_:method:authorization:requestOpen:writer:cache:)``).
final class DealAuthorizer: Sendable {
    struct Table: Sendable {
        var tokens: [DealTokensFile.Entry]
        var certificateRoles: [String: DealRole]
        var anonymousMethods: Set<String>
    }

    private let table: Mutex<Table>
    /// Bumped after every reload, so a connection's ``DealAuthorizationCache`` knows when its answer is stale.
    private let generation = Atomic<UInt64>(0)
    /// The open long-lived calls authorized by a token, ended when a reload revokes it.
    private let openCalls = Mutex(DealAuthorizedCalls())

    init(tokens: [DealTokensFile.Entry], certificateRoles: [String: DealRole], anonymousMethods: Set<String>) {
        self.table = Mutex(
            Table(tokens: tokens, certificateRoles: certificateRoles, anonymousMethods: anonymousMethods)
        )
    }

    /// Replaces tokens and certificate mappings, and ends the open calls whose token is gone or now has too small
    /// a role; returns how many it ended.
    @discardableResult
    func reload(tokens: [DealTokensFile.Entry], certificateRoles: [String: DealRole]) -> Int {
        self.table.withLock {
            $0.tokens = tokens
            $0.certificateRoles = certificateRoles
        }
        // After the swap: a cache filled from the old table is then seen as stale, and a call registering from
        // now on checks its token again (see `revocable`).
        self.generation.add(1, ordering: .releasing)
        var roles: [String: DealRole] = [:]
        for entry in tokens { roles[entry.hash] = max(roles[entry.hash] ?? .none, entry.role) }
        let endings = self.openCalls.withLock { $0.removeRevoked(roles: roles) }
        // Outside the lock: ending a call drops it, and its wrapper's deinit takes the lock to deregister.
        for ending in endings { ending.entry.end(ending.code, ending.message) }
        return endings.count
    }

    /// How many open calls are registered for revocation (for tests).
    var openCallCount: Int { self.openCalls.withLock { $0.count } }

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
        let (decision, token) = self.decide(method: method, authorization: authorization, identity: identity)
        if let authorization, let token, token.role != .none {
            switch decision {
            case .allowed, .permissionDenied:
                // A valid token with too small a role: its role is still worth remembering.
                cache.store(
                    authorization: authorization,
                    role: token.role,
                    tokenHash: token.hash,
                    generation: generation
                )
            case .unauthenticated:
                break
            }
        }
        return decision
    }

    /// Wraps a call that `authorization` (a bearer token) just authorized so that a reload revoking the token ends
    /// or refuses it; other calls are returned as they are. Call on the connection's event loop, right after
    /// ``authorize(method:authorization:identity:cache:)`` with the same cache.
    ///
    /// Server-streaming calls are registered and ended whenever a reload revokes their token: they are the ones
    /// that outlive a reload (a watch runs for days). A call whose request is still open (`requestOpen`: a unary
    /// MESSAGE not yet received, an import still streaming) has its token checked again when the request ends
    /// (``DealRequestCheckedCall``). After that a call keeps its decision: a mutation already submitted must
    /// report its real outcome rather than be cut off, and a unary read ends on its own within its deadline.
    func revocable(
        _ call: any DealServerCall,
        method: DealMethod,
        authorization: @autoclosure () -> String?,
        requestOpen: Bool,
        writer: DealServerCallWriter,
        cache: DealAuthorizationCache
    ) -> any DealServerCall {
        // The kind first: a unary call whose request came with its HEADERS (nearly all) costs no lookup here.
        let streaming = method.kind == .serverStreaming && !method.isMutation
        guard streaming || requestOpen, let authorization = authorization(),
            let token = cache.token(for: authorization)
        else {
            return call
        }
        guard streaming else {
            return DealRequestCheckedCall(call, writer: writer) { [self] in
                guard self.generation.load(ordering: .acquiring) != token.generation else { return nil }
                let anonymous = self.table.withLock { table in table.anonymousMethods.contains(method.path) }
                let required: DealRole = anonymous ? .none : method.isMutation ? .write : .read
                let entry = DealAuthorizedCalls.Entry(tokenHash: token.hash, required: required) { _, _ in }
                return DealAuthorizedCalls.verdict(entry, role: self.role(tokenHash: token.hash)).map {
                    (code: $0.code, message: $0.message)
                }
            }
        }
        let wrapper = DealRevocableCall(call, writer: writer)
        let reference = NIOLoopBound(DealRevocableCall.Reference(wrapper), eventLoop: writer.eventLoop)
        let eventLoop = writer.eventLoop
        let required = self.table.withLock { table in
            table.anonymousMethods.contains(method.path) ? DealRole.none : .read
        }
        let entry = DealAuthorizedCalls.Entry(tokenHash: token.hash, required: required) { code, message in
            eventLoop.execute { reference.value.call?.end(code: code, message: message) }
        }
        let (id, ending) = self.openCalls.withLock { calls -> (UInt64, DealAuthorizedCalls.Ending?) in
            // A reload between the decision and here already swept the table without this call: check the token
            // against the new table instead. (A reload after this point finds the entry.)
            var ending: DealAuthorizedCalls.Ending?
            if self.generation.load(ordering: .acquiring) != token.generation {
                ending = DealAuthorizedCalls.verdict(entry, role: self.role(tokenHash: token.hash))
            }
            return (ending == nil ? calls.insert(entry) : 0, ending)
        }
        if let ending {
            entry.end(ending.code, ending.message)
        } else {
            wrapper.deregister = { [weak self] in self?.openCalls.withLock { $0.remove(id) } }
        }
        return wrapper
    }

    private func role(tokenHash: String) -> DealRole? {
        self.table.withLock { table in
            table.tokens.filter { DealTokensFile.constantTimeEqual($0.hash, tokenHash) }.map(\.role).max()
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
        self.decide(method: method, authorization: authorization, identity: identity).decision
    }

    /// ``authorize(method:authorization:identity:)`` that also returns the valid bearer token's hash and role.
    private func decide(
        method: DealMethod,
        authorization: String?,
        identity: DealTLSPeerIdentity?
    ) -> (decision: Decision, token: (hash: String, role: DealRole)?) {
        let required: DealRole = method.isMutation ? .write : .read
        return self.table.withLock { table in
            var role = DealRole.none
            var token: (hash: String, role: DealRole)?
            if let authorization {
                guard authorization.hasPrefix("Bearer "), authorization.count > 7 else {
                    return (
                        .unauthenticated(
                            "the authorization metadata must be \"Bearer <token>\"; check DEALS_TOKEN or --token"
                        ), nil
                    )
                }
                let digest = DealTokensFile.hash(token: String(authorization.dropFirst(7)))
                guard let entry = table.tokens.first(where: { DealTokensFile.constantTimeEqual($0.hash, digest) })
                else {
                    return (
                        .unauthenticated(
                            "the bearer token is not valid; ask an administrator for a token (dealsd token create)"
                        ), nil
                    )
                }
                role = entry.role
                token = (digest, entry.role)
            } else if let identity {
                role = identity.matchKeys.compactMap { table.certificateRoles[$0] }.max() ?? .none
            }
            if role == .none {
                if table.anonymousMethods.contains(method.path) {
                    return (.allowed(.none), token)
                }
                return (
                    .unauthenticated(
                        "\(method.path) needs credentials: send \"authorization: Bearer <token>\" metadata"
                            + " or a client certificate mapped to a role"
                    ), token
                )
            }
            guard role >= required else {
                return (.permissionDenied("\(method.path) needs the \(required) role; the caller has \(role)"), token)
            }
            return (.allowed(role), token)
        }
    }
}
