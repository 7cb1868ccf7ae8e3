import DealTestSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The processes a test started, all stopped (SIGTERM, then SIGKILL) when the test ends, however it ends.
final class DealProcessGroup: Sendable {
    private let children = Mutex<[DealChildProcess]>([])

    /// Remembers `child` for ``stopAll()`` and returns it.
    @discardableResult
    func add(_ child: DealChildProcess) -> DealChildProcess {
        self.children.withLock { $0.append(child) }
        return child
    }

    /// Stops every child still running.
    func stopAll() async {
        let children = self.children.withLock { $0 }
        for child in children where child.isRunning {
            await child.stop(signal: SIGTERM, grace: .seconds(15))
        }
    }

    /// Runs `body` with a new group and stops its processes afterwards, also when `body` throws.
    static func with(_ body: (DealProcessGroup) async throws -> Void) async throws {
        let group = DealProcessGroup()
        do {
            try await body(group)
        } catch {
            await group.stopAll()
            throw error
        }
        await group.stopAll()
    }
}
