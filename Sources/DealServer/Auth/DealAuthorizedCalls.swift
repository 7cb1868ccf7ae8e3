import DealProtocol

/// The open long-lived calls that a bearer token authorized, so that a reload revoking the token (or lowering its
/// role) ends them instead of letting them run on the old decision.
///
/// Kept by ``DealAuthorizer`` under its lock; each entry is removed when its call ends (see
/// ``DealRevocableCall``), so the table holds only open calls.
struct DealAuthorizedCalls {
    struct Entry: Sendable {
        /// SHA-256 of the token, as in the tokens file.
        var tokenHash: String
        /// The role the call's method needs.
        var required: DealRole
        /// Ends the call with a status (on its connection's event loop).
        var end: @Sendable (DealStatusCode, String) -> Void
    }

    /// An entry to end, with the status it gets.
    struct Ending {
        var entry: Entry
        var code: DealStatusCode
        var message: String
    }

    private var entries: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 0

    var count: Int { self.entries.count }

    mutating func insert(_ entry: Entry) -> UInt64 {
        self.nextID += 1
        self.entries[self.nextID] = entry
        return self.nextID
    }

    mutating func remove(_ id: UInt64) {
        self.entries[id] = nil
    }

    /// Removes and returns the entries whose token is gone from `roles` or whose role there is now too small.
    mutating func removeRevoked(roles: [String: DealRole]) -> [Ending] {
        var endings: [Ending] = []
        for (id, entry) in self.entries {
            guard let ending = Self.verdict(entry, role: roles[entry.tokenHash]) else { continue }
            endings.append(ending)
            self.entries[id] = nil
        }
        return endings
    }

    /// How a call authorized by a token must end now that the token has `role` (`nil`: no longer valid), if at all.
    static func verdict(_ entry: Entry, role: DealRole?) -> Ending? {
        guard let role else {
            return Ending(
                entry: entry,
                code: .unauthenticated,
                message: "the bearer token that authorized this call was revoked; ask an administrator for a token "
                    + "(dealsd token create)"
            )
        }
        guard role >= entry.required else {
            return Ending(
                entry: entry,
                code: .permissionDenied,
                message: "the bearer token that authorized this call now has the \(role) role; this call needs "
                    + "\(entry.required)"
            )
        }
        return nil
    }
}
