import DealTestSupport
import Foundation
import Testing

/// A sandbox with a running `dealsd` and a `deals` runner pointed at it.
///
/// Suites that can share one daemon use the ``DealSharedServerTrait`` (`.sharedServer`), which starts one per suite
/// and reaches the tests through ``current``; tests that restart, reload or stop the daemon start their own with
/// ``withServer(_:)``.
final class DealEndToEndServer: Sendable {
    /// The suite's shared server, set by ``DealSharedServerTrait``.
    @TaskLocal static var current: DealEndToEndServer?

    let sandbox: DealSandbox
    let daemon: DealDaemonProcess
    let deals: DealCommandRunner

    private init(sandbox: DealSandbox, daemon: DealDaemonProcess, deals: DealCommandRunner) {
        self.sandbox = sandbox
        self.daemon = daemon
        self.deals = deals
    }

    /// Starts a daemon with the bundled dataset in a fresh sandbox.
    static func start() async throws -> DealEndToEndServer {
        let sandbox = try DealSandbox()
        do {
            let daemon = try sandbox.startDaemon()
            do {
                return DealEndToEndServer(
                    sandbox: sandbox,
                    daemon: daemon,
                    deals: try sandbox.deals(address: daemon.address)
                )
            } catch {
                await daemon.stop(grace: .seconds(20))
                throw error
            }
        } catch {
            sandbox.remove()
            throw error
        }
    }

    /// The shared server of the running suite.
    static var shared: DealEndToEndServer {
        get throws {
            guard let server = Self.current else {
                throw DealEndToEndError("no shared server: give the suite the .sharedServer trait")
            }
            return server
        }
    }

    /// Runs `body` with a server of its own, stopped and removed afterwards whatever happens.
    static func withServer(_ body: (DealEndToEndServer) async throws -> Void) async throws {
        let server = try await Self.start()
        do {
            try await body(server)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    /// Stops the daemon (SIGTERM, then SIGKILL) and deletes the sandbox.
    func shutdown() async {
        await self.daemon.stop(grace: .seconds(20))
        self.sandbox.remove()
    }
}
