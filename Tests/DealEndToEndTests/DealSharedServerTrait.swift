import DealTestSupport
import Testing

/// Starts one `dealsd` for a whole suite and stops it when the suite ends.
struct DealSharedServerTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await DealEndToEndServer.start()
        do {
            try await DealEndToEndServer.$current.withValue(server) {
                try await function()
            }
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }
}

extension Trait where Self == DealSharedServerTrait {
    /// One daemon, in its own sandbox, for every test of the suite.
    static var sharedServer: Self { Self() }
}
