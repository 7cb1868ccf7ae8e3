import DealTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `dealsd` serving a sandbox's data directory on a loopback port.
final class DealsdProcess: Sendable {
    let child: DealChildProcess
    let port: Int

    private init(child: DealChildProcess, port: Int) {
        self.child = child
        self.port = port
    }

    /// `127.0.0.1:<port>`.
    var address: String { "127.0.0.1:\(self.port)" }

    /// Starts `dealsd --data-dir <sandbox>/data --listen 127.0.0.1:<port>` (0: a free port the daemon picks) and
    /// waits, bounded, for the line announcing the port it serves on.
    static func start(
        in sandbox: DealSandbox,
        port: Int = 0,
        extraArguments: [String] = [],
        timeout: Duration = .seconds(60)
    ) async throws -> DealsdProcess {
        let child = try DealChildProcess(
            executable: try DealDaemonProcess.requiredBinaryPath("dealsd"),
            arguments: [
                "--data-dir", sandbox.dataDirectory, "--listen", "127.0.0.1:\(port)", "--log-level", "notice",
            ] + extraArguments,
            environment: sandbox.baseEnvironment,
            scratchDirectory: sandbox.scratch
        )
        let announcement = "serving on 127.0.0.1:"
        guard await child.waitForOutput(containing: announcement, timeout: timeout) else {
            let running = child.isRunning
            await child.stop(signal: SIGKILL, grace: .seconds(5))
            throw DealEndToEndError(
                "dealsd \(running ? "did not announce its port in time" : "exited with \(child.process.terminationStatus)")"
                    + ": stdout \(child.standardOutput.debugDescription), stderr \(child.standardError.suffix(2000))"
            )
        }
        let output = child.standardOutput
        guard let range = output.range(of: announcement),
            let announced = Int(output[range.upperBound...].prefix(while: \.isNumber))
        else {
            await child.stop(signal: SIGKILL, grace: .seconds(5))
            throw DealEndToEndError("dealsd announced no port: \(output)")
        }
        if port != 0 && announced != port {
            await child.stop()
            throw DealEndToEndError("dealsd was asked for port \(port) but serves on \(announced)")
        }
        return DealsdProcess(child: child, port: announced)
    }

    /// SIGHUP: reload certificates and tokens.
    func reload() {
        self.child.send(SIGHUP)
    }

    /// SIGTERM, then SIGKILL after `grace`; the exit status, or `nil` when it had to be killed.
    @discardableResult
    func stop(grace: Duration = .seconds(20)) async -> Int32? {
        await self.child.stop(signal: SIGTERM, grace: grace)
    }

    /// The daemon's stderr (its log), for failure messages.
    var log: String {
        String(self.child.standardError.suffix(4000))
    }
}
