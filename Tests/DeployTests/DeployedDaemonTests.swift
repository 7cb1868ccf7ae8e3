import DealServer
import DealTestSupport
import Foundation
import Testing

/// The real `dealsd`, started from Deploy/dealsd.yaml with certificates from Deploy/issue-certificates.sh, the way
/// Deploy/INSTALL.md installs it, and checked from outside with `openssl s_client`.
@Suite("dealsd deployed with Deploy/", .serialized)
struct DeployedDaemonTests {
    /// Execs its arguments with PR_SET_MDWE(PR_MDWE_REFUSE_EXEC_GAIN): the kernel's form of systemd's
    /// MemoryDenyWriteExecute= (systemd uses it where available; it survives execve).
    static let memoryDenyWriteExecuteWrapper = """
        import ctypes, os, sys
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(65, 1, 0, 0, 0) != 0:
            sys.exit("PR_SET_MDWE failed: errno %d" % ctypes.get_errno())
        if len(sys.argv) > 1:
            os.execv(sys.argv[1], sys.argv[1:])
        """

    /// Whether this kernel and a python3 can run a program under PR_SET_MDWE (Linux 6.3 and later).
    static let memoryDenyWriteExecuteAvailable: Bool = {
        guard let python = DeployPaths.program("python3") else { return false }
        return DeployedDaemonTests.succeeds([python, "-c", DeployedDaemonTests.memoryDenyWriteExecuteWrapper])
    }()

    /// Whether strace can trace here (ptrace may be forbidden in a container).
    static let straceAvailable: Bool = {
        guard let strace = DeployPaths.program("strace"), DeployPaths.program("systemd-analyze") != nil else {
            return false
        }
        return DeployedDaemonTests.succeeds([strace, "-f", "-qq", "-o", "/dev/null", "/bin/true"])
    }()

    private static func succeeds(_ command: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// A deployment in a temporary directory: certificates in tls/, data in data/, configuration dealsd.yaml.
    struct Deployment {
        let directory: DealTemporaryDirectory
        let dealsd: String
        var tls: String { self.directory.file("tls") }
        var data: String { self.directory.file("data") }
        var configuration: String { self.directory.file("dealsd.yaml") }

        /// Issues certificates and writes Deploy/dealsd.yaml with its paths moved into the directory.
        init() async throws {
            self.directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
            self.dealsd = try DeployPaths.dealsd()
            let issued = try await DeployProcess.run(
                [
                    "/bin/bash", DeployPaths.deploy("issue-certificates.sh"), "--out", self.directory.file("tls"),
                    "--dns", "localhost", "--ip", "127.0.0.1", "--client", "reporting",
                ],
                directory: self.directory
            )
            try #require(issued.status == 0, "\(issued.combined)")
            var text = try String(contentsOfFile: DeployPaths.deploy("dealsd.yaml"), encoding: .utf8)
            let replacements = [
                ("listen: \"0.0.0.0:7443\"", "listen: \"127.0.0.1:0\""),
                ("data_dir: /var/lib/dealstore", "data_dir: \(self.directory.file("data"))"),
                ("/etc/dealstore/tls/", self.directory.file("tls") + "/"),
            ]
            for (original, replacement) in replacements {
                try #require(text.contains(original), "Deploy/dealsd.yaml no longer contains \(original)")
                text = text.replacingOccurrences(of: original, with: replacement)
            }
            try text.write(toFile: self.directory.file("dealsd.yaml"), atomically: true, encoding: .utf8)
        }

        /// Starts `dealsd serve --config` and waits for its "serving on" line; returns the daemon and its port.
        func start(launcher: [String] = [], daemonIsChild: Bool = false) async throws -> (RunningDaemon, Int) {
            let daemon = try RunningDaemon(
                dealsd: self.dealsd,
                arguments: ["serve", "--config", self.configuration],
                launcher: launcher,
                daemonIsChild: daemonIsChild,
                directory: self.directory
            )
            do {
                let output = try await daemon.waitFor("dealsd is serving on ")
                let line = try #require(output.split(separator: "\n").first { $0.contains("serving on") })
                let address = try #require(line.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") })
                let port = try #require(Int(address.dropFirst("127.0.0.1:".count)), "\(line)")
                return (daemon, port)
            } catch {
                _ = try? await daemon.stop(graceSeconds: 5)
                throw error
            }
        }

        /// `openssl s_client` against the daemon, trusting the issued CA, with `arguments` added.
        func handshake(port: Int, _ arguments: [String]) async throws -> DealExternalProcess.Result {
            try await DeployProcess.run(
                ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", self.tls + "/ca.pem"] + arguments,
                timeoutSeconds: 30,
                directory: self.directory
            )
        }

        /// Expects a verified TLS 1.3 handshake that agreed on ALPN dealstore/1.
        func expectVerifiedHandshake(
            port: Int,
            _ arguments: [String],
            sourceLocation: SourceLocation = #_sourceLocation
        )
            async throws
        {
            let result = try await self.handshake(
                port: port,
                ["-alpn", "dealstore/1", "-verify_return_error"] + arguments
            )
            #expect(result.status == 0, "\(arguments): \(result.combined)", sourceLocation: sourceLocation)
            #expect(
                result.output.contains("Verify return code: 0 (ok)"),
                "\(arguments): \(result.combined)",
                sourceLocation: sourceLocation
            )
            #expect(
                result.output.contains("ALPN protocol: dealstore/1"),
                "\(result.output)",
                sourceLocation: sourceLocation
            )
            #expect(result.output.contains("TLSv1.3"), "\(result.output)", sourceLocation: sourceLocation)
        }
    }

    @Test("serves the issued certificate, creates tokens, reloads on SIGHUP, drains on SIGTERM, checks clean")
    func installNote() async throws {
        let deployment = try await Deployment()
        let (daemon, port) = try await deployment.start()
        do {
            // First start: a private data directory with tokens, and no development CA (the issued certificate is
            // the one configured).
            #expect(try permissions(of: deployment.data) == 0o700)
            #expect(try permissions(of: deployment.data + "/tokens") == 0o600)
            #expect(try permissions(of: deployment.data + "/admin.token") == 0o600)
            #expect(!FileManager.default.fileExists(atPath: deployment.data + "/ca.pem"))
            // The journal (stdout and stderr under systemd) names the admin token's file, never the token.
            let adminToken = try String(contentsOfFile: deployment.data + "/admin.token", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(adminToken.hasPrefix("dst_"))
            #expect(daemon.output.contains(deployment.data + "/admin.token"), "\(daemon.output)")
            #expect(!daemon.output.contains(adminToken) && !daemon.errorOutput.contains(adminToken))

            // The certificate verifies for its DNS name and its IP address, with and without a client certificate.
            try await deployment.expectVerifiedHandshake(
                port: port,
                ["-servername", "localhost", "-verify_hostname", "localhost"]
            )
            try await deployment.expectVerifiedHandshake(port: port, ["-verify_ip", "127.0.0.1"])
            try await deployment.expectVerifiedHandshake(
                port: port,
                [
                    "-servername", "localhost", "-verify_hostname", "localhost",
                    "-cert", deployment.tls + "/client-reporting.pem",
                    "-key", deployment.tls + "/client-reporting-key.pem",
                ]
            )
            // A TLS monitor offering no ALPN reads the certificate (tls.require_alpn is off by default).
            let noALPN = try await deployment.handshake(port: port, ["-servername", "localhost"])
            #expect(noALPN.output.contains("No ALPN negotiated"), "\(noALPN.combined)")
            #expect(noALPN.output.contains("-----BEGIN CERTIFICATE-----"), "\(noALPN.combined)")
            // Refused: another protocol id, TLS 1.2 (minimum_version 1.3), a name the certificate does not carry.
            let otherALPN = try await deployment.handshake(port: port, ["-servername", "localhost", "-alpn", "h2"])
            #expect(!otherALPN.output.contains("ALPN protocol: h2"), "\(otherALPN.combined)")
            #expect(otherALPN.combined.contains("no application protocol"), "\(otherALPN.combined)")
            let tls12 = try await deployment.handshake(port: port, ["-alpn", "dealstore/1", "-tls1_2"])
            #expect(tls12.status != 0, "\(tls12.combined)")
            let wrongName = try await deployment.handshake(
                port: port,
                ["-alpn", "dealstore/1", "-verify_return_error", "-verify_hostname", "renewed.example"]
            )
            #expect(wrongName.status != 0, "\(wrongName.combined)")

            // INSTALL.md step 6: a token, appended as a hash.
            let created = try await DeployProcess.run(
                [
                    deployment.dealsd, "token", "create", "--config", deployment.configuration, "--role", "read",
                    "--name", "reporting",
                ],
                directory: deployment.directory
            )
            #expect(created.status == 0, "\(created.combined)")
            let token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.hasPrefix("dst_"), "\(created.combined)")
            let tokens = try String(contentsOfFile: deployment.data + "/tokens", encoding: .utf8)
            #expect(tokens.contains(DealTokensFile.line(for: token, role: .read, name: "reporting")))
            #expect(!tokens.contains(token))
            #expect(try permissions(of: deployment.data + "/tokens") == 0o600)

            // INSTALL.md step 7: renew the server certificate from the same CA, then reload.
            let renewed = try await DeployProcess.run(
                [
                    "/bin/bash", DeployPaths.deploy("issue-certificates.sh"), "--out", deployment.tls, "--force",
                    "--ca-cert", deployment.tls + "/ca.pem", "--ca-key", deployment.tls + "/ca-key.pem",
                    "--dns", "localhost", "--dns", "renewed.example", "--ip", "127.0.0.1",
                ],
                directory: deployment.directory
            )
            #expect(renewed.status == 0, "\(renewed.combined)")
            try daemon.signal(SIGHUP)
            try await daemon.waitFor("reloaded certificates and tokens", inErrorOutput: true)
            try await deployment.expectVerifiedHandshake(
                port: port,
                ["-servername", "renewed.example", "-verify_hostname", "renewed.example"]
            )
        } catch {
            _ = try? await daemon.stop(graceSeconds: 5)
            throw error
        }

        // systemctl stop: SIGTERM drains and exits 0, well inside TimeoutStopSec.
        let started = ContinuousClock.now
        let status = try await daemon.stop(graceSeconds: 30)
        #expect(status == 0, "stdout:\n\(daemon.output)\nstderr:\n\(daemon.errorOutput)")
        #expect(ContinuousClock.now - started < .seconds(30))

        // dealsd check on the stopped store.
        let check = try await DeployProcess.run(
            [deployment.dealsd, "check", "--config", deployment.configuration],
            directory: deployment.directory
        )
        #expect(check.status == 0, "\(check.combined)")
    }

    /// Starts under `launcher`, shakes hands, reloads and stops: what the unit's sandbox must allow.
    private func startHandshakeReloadStop(
        _ deployment: Deployment,
        launcher: [String],
        daemonIsChild: Bool
    ) async throws {
        let (daemon, port) = try await deployment.start(launcher: launcher, daemonIsChild: daemonIsChild)
        do {
            try await deployment.expectVerifiedHandshake(
                port: port,
                ["-servername", "localhost", "-verify_hostname", "localhost"]
            )
            try daemon.signal(SIGHUP)
            try await daemon.waitFor("reloaded certificates and tokens", inErrorOutput: true)
            try await deployment.expectVerifiedHandshake(port: port, ["-verify_ip", "127.0.0.1"])
        } catch {
            _ = try? await daemon.stop(graceSeconds: 5)
            throw error
        }
        let status = try await daemon.stop(graceSeconds: 30)
        #expect(status == 0, "stdout:\n\(daemon.output)\nstderr:\n\(daemon.errorOutput)")
    }

    @Test(
        "runs under MemoryDenyWriteExecute (PR_SET_MDWE)",
        .enabled(
            if: DeployedDaemonTests.memoryDenyWriteExecuteAvailable,
            "needs python3 and Linux 6.3+ (PR_SET_MDWE) to apply MemoryDenyWriteExecute without systemd"
        )
    )
    func memoryDenyWriteExecute() async throws {
        let deployment = try await Deployment()
        let python = try #require(DeployPaths.program("python3"))
        try await self.startHandshakeReloadStop(
            deployment,
            launcher: [python, "-c", Self.memoryDenyWriteExecuteWrapper],
            daemonIsChild: false
        )
    }

    /// The system calls `SystemCallFilter=` in the unit allows, expanded by systemd-analyze.
    static func allowedSystemCalls() async throws -> Set<String> {
        let directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
        let listing = try await DeployProcess.run(
            [try #require(DeployPaths.program("systemd-analyze")), "syscall-filter", "--no-pager"],
            directory: directory
        )
        try #require(listing.status == 0, "\(listing.combined)")
        var groups: [String: [String]] = [:]
        var current: String?
        for line in listing.output.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("@") {
                current = trimmed
            } else if let group = current, !trimmed.isEmpty, !trimmed.hasPrefix("#") {
                groups[group, default: []].append(trimmed)
            }
        }
        func expand(_ name: String) -> Set<String> {
            guard name.hasPrefix("@") else { return [name] }
            return (groups[name] ?? []).reduce(into: Set<String>()) { $0.formUnion(expand($1)) }
        }
        var allowed = Set<String>()
        for value in try SystemdUnitTests.service("SystemCallFilter") {
            let denied = value.hasPrefix("~")
            let names = value.dropFirst(denied ? 1 : 0).split(separator: " ").map(String.init)
            let expanded = names.reduce(into: Set<String>()) { $0.formUnion(expand($1)) }
            if denied {
                allowed.subtract(expanded)
            } else {
                allowed.formUnion(expanded)
            }
        }
        return allowed
    }

    @Test(
        "uses only system calls the unit's SystemCallFilter allows",
        .enabled(if: DeployedDaemonTests.straceAvailable, "needs strace (with ptrace allowed) and systemd-analyze")
    )
    func systemCallFilter() async throws {
        let allowed = try await Self.allowedSystemCalls()
        #expect(allowed.contains("openat") && allowed.contains("epoll_wait"), "\(allowed.sorted())")
        let deployment = try await Deployment()
        let summary = deployment.directory.file("strace.txt")
        try await self.startHandshakeReloadStop(
            deployment,
            launcher: [try #require(DeployPaths.program("strace")), "-f", "-qq", "-c", "-o", summary],
            daemonIsChild: true
        )
        // strace -c: a table whose last column is the system call; "total" ends it.
        let table = try String(contentsOfFile: summary, encoding: .utf8)
        let used = table.split(separator: "\n").compactMap { line -> String? in
            // Lines like "27382 ???( <detached ...>" (a thread strace lost track of) are not table rows.
            guard let name = line.split(separator: " ").last, let first = line.split(separator: " ").first,
                Double(first) != nil, name != "total",
                name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else { return nil }
            return String(name)
        }
        #expect(used.count > 10, "\(table)")
        let refused = used.filter { !allowed.contains($0) }
        #expect(refused.isEmpty, "dealsd used system calls SystemCallFilter= refuses: \(refused)\n\(table)")
    }
}
