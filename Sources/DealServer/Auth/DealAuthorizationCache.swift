/// One connection's memory of the role its last bearer token proved, valid for one generation of the
/// authorizer's table (see ``DealAuthorizer/authorize(method:authorization:identity:cache:)``).
///
/// Owned by the connection handler and used only on its event loop: no lock.
struct DealAuthorizationCache {
    private var authorization: String?
    private var role: DealRole = .none
    private var tokenHash = ""
    private var generation: UInt64 = 0

    init() {}

    /// The remembered role if `authorization` is the remembered value and the table has not been reloaded since.
    func role(for authorization: String, generation: UInt64) -> DealRole? {
        guard generation == self.generation, authorization == self.authorization else { return nil }
        return self.role
    }

    /// The hash of the remembered token and the generation its role was decided in, if `authorization` is the
    /// remembered value: what a call authorized by it registers for revocation under.
    func token(for authorization: String) -> (hash: String, generation: UInt64)? {
        guard authorization == self.authorization else { return nil }
        return (self.tokenHash, self.generation)
    }

    mutating func store(authorization: String, role: DealRole, tokenHash: String, generation: UInt64) {
        self.authorization = authorization
        self.role = role
        self.tokenHash = tokenHash
        self.generation = generation
    }
}
