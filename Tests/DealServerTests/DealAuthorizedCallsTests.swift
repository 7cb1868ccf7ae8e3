import DealProtocol
import Synchronization
import Testing

@testable import DealServer

/// The authorizer's table of open calls authorized by a token, without sockets.
@Suite("Open calls and token revocation")
struct DealAuthorizedCallsTests {
    final class Endings: Sendable {
        let codes = Mutex<[DealStatusCode]>([])
    }

    static func entry(_ hash: String, required: DealRole = .read, endings: Endings) -> DealAuthorizedCalls.Entry {
        DealAuthorizedCalls.Entry(tokenHash: hash, required: required) { code, _ in
            endings.codes.withLock { $0.append(code) }
        }
    }

    @Test("a removed token ends its calls with UNAUTHENTICATED, a demoted one with PERMISSION_DENIED, others stay")
    func removeRevoked() {
        let endings = Endings()
        var calls = DealAuthorizedCalls()
        _ = calls.insert(Self.entry("gone", endings: endings))
        _ = calls.insert(Self.entry("gone", endings: endings))
        _ = calls.insert(Self.entry("demoted", required: .write, endings: endings))
        let kept = calls.insert(Self.entry("kept", endings: endings))
        let ended = calls.removeRevoked(roles: ["demoted": .read, "kept": .read])
        let codes = ended.map(\.code)
        #expect(codes.count == 3)
        #expect(codes.filter { $0 == .unauthenticated }.count == 2)
        #expect(codes.filter { $0 == .permissionDenied }.count == 1)
        #expect(ended.allSatisfy { !$0.message.isEmpty })
        #expect(calls.count == 1)
        calls.remove(kept)
        #expect(calls.count == 0)
        // Nothing is ended twice.
        #expect(calls.removeRevoked(roles: [:]).isEmpty)
    }

    @Test("a reload that removes a token makes the role a connection cached for it stale")
    func reloadInvalidatesCache() {
        let token = DealTokensFile.generateToken()
        let hash = DealTokensFile.hash(token: token)
        let authorizer = DealAuthorizer(
            tokens: [DealTokensFile.Entry(hash: hash, role: .read, name: "reader")],
            certificateRoles: [:],
            anonymousMethods: []
        )
        var cache = DealAuthorizationCache()
        #expect(
            authorizer.authorize(
                method: .watchDeals,
                authorization: "Bearer " + token,
                identity: nil,
                cache: &cache
            ) == .allowed(.read)
        )
        #expect(cache.token(for: "Bearer " + token)?.hash == hash)
        #expect(
            authorizer.reload(
                tokens: [DealTokensFile.Entry(hash: hash, role: .read, name: "reader")],
                certificateRoles: [:]
            ) == 0
        )
        #expect(authorizer.reload(tokens: [], certificateRoles: [:]) == 0)
        #expect(
            authorizer.authorize(
                method: .watchDeals,
                authorization: "Bearer " + token,
                identity: nil,
                cache: &cache
            ) != .allowed(.read),
            "a cached role outlived the reload that removed its token"
        )
    }
}
