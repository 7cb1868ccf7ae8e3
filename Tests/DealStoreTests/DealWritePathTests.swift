import DealModel
import DealStore
import SwiftProtobuf
import Synchronization
import Testing

/// Issue 12 item 5: every write goes through one core write, so each write kind answers the same error for the
/// same bad input whichever API carried it (async, callback, or the core write with another answer).
@Suite("One write path: the same bad input gets the same error through every API")
struct DealWritePathTests {
    /// A bad request of one write kind, sent through every API that carries that kind.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var code: DealStoreError.Code
        var viaAsync: @Sendable (DealStore) async throws(DealStoreError) -> Void
        var viaCallback: @Sendable (DealStore, @escaping @Sendable (DealStoreError?) -> Void) -> Void
        var viaCore: @Sendable (DealStore, @escaping @Sendable (DealStoreError?) -> Void) -> Void

        var testDescription: String { self.name }
    }

    static func failure<T>(_ result: Result<T, DealStoreError>) -> DealStoreError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    static let cases: [Case] = {
        let invalid: Dealstore_V1_Deal = {
            var deal = TestStores.deal("d-new")
            deal.amount = TestStores.usd(5, currency: "usd")
            return deal
        }()
        let patch = Dealstore_V1_Deal.with { $0.id = "d1" }
        let missing = Dealstore_V1_Deal.with { $0.id = "nowhere" }
        let unknownOrganization = Dealstore_V1_Organization.with {
            $0.id = "nowhere"
            $0.name = "Nowhere"
        }
        return [
            Case(
                name: "create deal: invalid field",
                code: .invalidArgument,
                viaAsync: { store throws(DealStoreError) in _ = try await store.createDeal(invalid) },
                viaCallback: { store, done in store.createDeal(invalid) { done(Self.failure($0)) } },
                viaCore: { store, done in
                    store.write(.createDeal(invalid), answer: .serialized) { done(Self.failure($0)) }
                }
            ),
            Case(
                name: "create deal: existing id",
                code: .alreadyExists,
                viaAsync: { store throws(DealStoreError) in _ = try await store.createDeal(TestStores.deal("d1")) },
                viaCallback: { store, done in store.createDeal(TestStores.deal("d1")) { done(Self.failure($0)) } },
                viaCore: { store, done in
                    store.write(.createDeal(TestStores.deal("d1")), answer: .serialized) { done(Self.failure($0)) }
                }
            ),
            Case(
                name: "update deal: unknown mask path",
                code: .invalidArgument,
                viaAsync: { store throws(DealStoreError) in _ = try await store.updateDeal(patch, updateMask: ["x"]) },
                viaCallback: { store, done in store.updateDeal(patch, updateMask: ["x"]) { done(Self.failure($0)) } },
                viaCore: { store, done in
                    store.write(.updateDeal(patch, updateMask: ["x"]), answer: .serialized) { done(Self.failure($0)) }
                }
            ),
            Case(
                name: "update deal: stale etag",
                code: .aborted,
                viaAsync: { store throws(DealStoreError) in
                    _ = try await store.updateDeal(patch, updateMask: ["notes"], expectedEtag: "r0")
                },
                viaCallback: { store, done in
                    store.updateDeal(patch, updateMask: ["notes"], expectedEtag: "r0") { done(Self.failure($0)) }
                },
                viaCore: { store, done in
                    store.write(.updateDeal(patch, updateMask: ["notes"], expectedEtag: "r0"), answer: .revision) {
                        done(Self.failure($0))
                    }
                }
            ),
            Case(
                name: "update deal: not found",
                code: .notFound,
                viaAsync: { store throws(DealStoreError) in _ = try await store.updateDeal(missing) },
                viaCallback: { store, done in store.updateDeal(missing) { done(Self.failure($0)) } },
                viaCore: { store, done in
                    store.write(.updateDeal(missing), answer: .serialized) { done(Self.failure($0)) }
                }
            ),
            Case(
                name: "delete deal: not found",
                code: .notFound,
                viaAsync: { store throws(DealStoreError) in _ = try await store.deleteDeal(id: "nowhere") },
                viaCallback: { store, done in store.deleteDeal(id: "nowhere") { done(Self.failure($0)) } },
                viaCore: { store, done in
                    store.write(.deleteDeal(id: "nowhere"), answer: .record) { done(Self.failure($0)) }
                }
            ),
            Case(
                name: "create organization: existing id",
                code: .alreadyExists,
                viaAsync: { store throws(DealStoreError) in
                    _ = try await store.createOrganization(TestStores.organization("target"))
                },
                viaCallback: { store, done in
                    store.createOrganization(TestStores.organization("target")) { done(Self.failure($0)) }
                },
                viaCore: { store, done in
                    store.write(.createOrganization(TestStores.organization("target")), answer: .serialized) {
                        done(Self.failure($0))
                    }
                }
            ),
            Case(
                name: "update organization: not found",
                code: .notFound,
                viaAsync: { store throws(DealStoreError) in _ = try await store.updateOrganization(unknownOrganization)
                },
                viaCallback: { store, done in store.updateOrganization(unknownOrganization) { done(Self.failure($0)) }
                },
                viaCore: { store, done in
                    store.write(.updateOrganization(unknownOrganization), answer: .revision) { done(Self.failure($0)) }
                }
            ),
            Case(
                name: "delete organization: still referred to",
                code: .failedPrecondition,
                viaAsync: { store throws(DealStoreError) in _ = try await store.deleteOrganization(id: "target") },
                viaCallback: { store, done in store.deleteOrganization(id: "target") { done(Self.failure($0)) } },
                viaCore: { store, done in
                    store.write(.deleteOrganization(id: "target"), answer: .serialized) { done(Self.failure($0)) }
                }
            ),
            Case(
                name: "merge organizations: into itself",
                code: .invalidArgument,
                viaAsync: { store throws(DealStoreError) in
                    _ = try await store.mergeOrganizations("other", into: "other")
                },
                viaCallback: { store, done in
                    store.mergeOrganizations("other", into: "other") { done(Self.failure($0)) }
                },
                viaCore: { store, done in
                    store.write(.mergeOrganizations("other", into: "other"), answer: .revision) {
                        done(Self.failure($0))
                    }
                }
            ),
        ]
    }()

    static func callback(
        _ body: (@escaping @Sendable (DealStoreError?) -> Void) -> Void
    ) async -> DealStoreError? {
        await withCheckedContinuation { (continuation: CheckedContinuation<DealStoreError?, Never>) in
            let once = Mutex(false)
            body { error in
                // Exactly one completion per write: a second one would be a bug of the write path.
                let first = once.withLock { was in
                    defer { was = true }
                    return !was
                }
                if first { continuation.resume(returning: error) }
            }
        }
    }

    @Test("each write kind's refusal is the same code and message via async, callback and core write", arguments: cases)
    func sameErrorEverywhere(_ testCase: Case) async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor", "other"] {
                _ = try await store.createOrganization(TestStores.organization(id))
            }
            _ = try await store.createDeal(TestStores.deal("d1"))
            let revision = store.revision
            var viaAsync: DealStoreError?
            do throws(DealStoreError) {
                try await testCase.viaAsync(store)
            } catch {
                viaAsync = error
            }
            let viaCallback = await Self.callback { testCase.viaCallback(store, $0) }
            let viaCore = await Self.callback { testCase.viaCore(store, $0) }
            let async = try #require(viaAsync, "the async API accepted the bad input")
            #expect(async.code == testCase.code, "\(async)")
            #expect(viaCallback?.code == async.code)
            #expect(viaCallback?.message == async.message)
            #expect(viaCore?.code == async.code)
            #expect(viaCore?.message == async.message)
            // Each message says what to do, not only what was wrong.
            #expect(async.message.contains(":"), "\(async.message)")
            #expect(store.revision == revision, "a refused write changed the store")
        }
    }

    @Test("a closed store refuses every write with one message")
    func closedStore() async throws {
        let directory = TemporaryDirectory()
        let store = try await TestStores.open(directory.path)
        try await store.close()
        var messages: Set<String> = []
        for write in [
            { (done: @escaping @Sendable (DealStoreError?) -> Void) in
                store.createDeal(TestStores.deal("d1")) { done(Self.failure($0)) }
            },
            { done in store.deleteDeal(id: "d1") { done(Self.failure($0)) } },
            { done in store.createOrganization(TestStores.organization("o1")) { done(Self.failure($0)) } },
            { done in store.write(.updateDeal(TestStores.deal("d1")), answer: .serialized) { done(Self.failure($0)) } },
        ] as [(@escaping @Sendable (DealStoreError?) -> Void) -> Void] {
            let error = await Self.callback(write)
            #expect(error?.code == .failedPrecondition)
            messages.insert(error?.message ?? "")
        }
        #expect(messages.count == 1)
        #expect(messages.first?.contains("the store is closed") == true)
    }
}
