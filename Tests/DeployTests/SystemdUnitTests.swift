import DealServer
import DealTestSupport
import Foundation
import Testing

/// Deploy/dealsd.service and Deploy/dealstore.sysusers.conf.
@Suite("Deploy/dealsd.service")
struct SystemdUnitTests {
    static let unitPath = DeployPaths.deploy("dealsd.service")
    static let installedBinary = "/usr/local/bin/dealsd"
    static let systemdAnalyze = DeployPaths.program("systemd-analyze")
    static let skipReason: Comment =
        "systemd-analyze is not installed (apt-get install systemd; .ci/run installs it)"

    /// The unit's `Key=value` lines by section; a key may repeat.
    static func directives() throws -> [String: [(key: String, value: String)]] {
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        var sections: [String: [(key: String, value: String)]] = [:]
        var section = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") {
                continue
            }
            if line.hasPrefix("[") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            sections[section, default: []].append(
                (String(line[..<equals]), String(line[line.index(after: equals)...]))
            )
        }
        return sections
    }

    static func service(_ key: String) throws -> [String] {
        try Self.directives()["Service", default: []].filter { $0.key == key }.map(\.value)
    }

    /// A copy of the unit whose ExecStart names the freshly built dealsd (verify needs the binary to exist).
    static func unitForBuiltBinary(in directory: DealTemporaryDirectory) throws -> String {
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        #expect(text.contains("ExecStart=\(Self.installedBinary) "))
        let path = directory.file("dealsd.service")
        try text.replacingOccurrences(
            of: "ExecStart=\(Self.installedBinary) ",
            with: "ExecStart=\(try DeployPaths.dealsd()) "
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(
        "sets the hardening and lifecycle directives",
        arguments: [
            ("User", "dealstore"),
            ("Group", "dealstore"),
            ("StateDirectory", "dealstore"),
            ("ProtectSystem", "strict"),
            ("ProtectHome", "yes"),
            ("PrivateTmp", "yes"),
            ("NoNewPrivileges", "yes"),
            ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
            ("CapabilityBoundingSet", ""),
            ("SystemCallFilter", "@system-service"),
            ("MemoryDenyWriteExecute", "yes"),
            ("LockPersonality", "yes"),
            ("ProtectKernelTunables", "yes"),
            ("ProtectKernelModules", "yes"),
            ("ProtectKernelLogs", "yes"),
            ("ProtectControlGroups", "yes"),
            ("ExecReload", "/bin/kill -HUP $MAINPID"),
            ("KillSignal", "SIGTERM"),
            ("Restart", "on-failure"),
            ("RestartPreventExitStatus", "78"),
            ("UMask", "0077"),
        ]
    )
    func directive(key: String, value: String) throws {
        let values = try Self.service(key)
        #expect(values.contains(value), "[Service] \(key)=\(value) missing: \(values)")
    }

    @Test("runs dealsd serve with the installed configuration, and INSTALL.md installs those paths")
    func execStart() throws {
        let execStart = try #require(try Self.service("ExecStart").first)
        #expect(execStart == "\(Self.installedBinary) serve --config /etc/dealstore/dealsd.yaml")
        let install = try String(contentsOfFile: DeployPaths.deploy("INSTALL.md"), encoding: .utf8)
        #expect(install.contains("install -m 0755 .build/release/dealsd \(Self.installedBinary)"))
        #expect(install.contains("install -m 0644 Deploy/dealsd.yaml /etc/dealstore/dealsd.yaml"))
        #expect(install.contains("install -m 0644 Deploy/dealsd.service /etc/systemd/system/dealsd.service"))
        #expect(install.contains("systemctl reload dealsd"))
        let documentation = try #require(try Self.directives()["Unit", default: []].first { $0.key == "Documentation" })
        #expect(documentation.value.hasPrefix("file:"))
        #expect(install.contains("Deploy/INSTALL.md \(documentation.value.dropFirst("file:".count))"))
        #expect(install.contains("dealsd token create --config /etc/dealstore/dealsd.yaml"))
        #expect(install.contains("dealsd check --config /etc/dealstore/dealsd.yaml"))
        // The example configuration keeps its data where StateDirectory= puts it.
        let example = try DealDaemonConfiguration.load(path: DeployPaths.deploy("dealsd.yaml"))
        #expect(example.dataDir == "/var/lib/\(try #require(try Self.service("StateDirectory").first))")
    }

    @Test("gives the drain more time than limits.drain_grace_seconds before SIGKILL")
    func stopTimeout() throws {
        let value = try #require(try Self.service("TimeoutStopSec").first)
        let seconds = try #require(Double(value), "TimeoutStopSec=\(value) is not plain seconds")
        let example = try DealDaemonConfiguration.load(path: DeployPaths.deploy("dealsd.yaml"))
        let longest = max(example.limits.drainGraceSeconds, DealDaemonConfiguration().limits.drainGraceSeconds)
        // The drain, then a snapshot of the store: at least 15 s beyond the grace.
        #expect(seconds >= longest + 15, "TimeoutStopSec=\(value) vs drain_grace_seconds \(longest)")
    }

    @Test(
        "passes systemd-analyze verify",
        .enabled(if: SystemdUnitTests.systemdAnalyze != nil, SystemdUnitTests.skipReason)
    )
    func verify() async throws {
        let directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
        let unit = try Self.unitForBuiltBinary(in: directory)
        let result = try await DeployProcess.run(
            [try #require(Self.systemdAnalyze), "verify", unit],
            directory: directory
        )
        #expect(result.status == 0, "\(result.combined)")
        // verify exits 0 even for unknown keys; any line about our unit is a warning.
        let complaints = result.combined.split(separator: "\n").filter { $0.contains("dealsd.service") }
        #expect(complaints.isEmpty, "\(complaints)")
    }

    @Test(
        "is rated OK by systemd-analyze security (exposure at most 2.0)",
        .enabled(if: SystemdUnitTests.systemdAnalyze != nil, SystemdUnitTests.skipReason)
    )
    func security() async throws {
        let directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
        let unit = try Self.unitForBuiltBinary(in: directory)
        let result = try await DeployProcess.run(
            [try #require(Self.systemdAnalyze), "security", "--offline=yes", "--no-pager", unit],
            directory: directory
        )
        #expect(result.status == 0, "\(result.combined)")
        let line = try #require(
            result.output.split(separator: "\n").first { $0.contains("Overall exposure level") },
            "\(result.combined)"
        )
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(try #require(score, "\(line)") <= 2.0, "\(line)")
    }

    @Test(
        "dealstore.sysusers.conf creates the unit's user",
        .enabled(if: DeployPaths.program("systemd-sysusers") != nil, "systemd-sysusers is not installed")
    )
    func sysusers() async throws {
        let directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
        let root = directory.file("root")
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        let result = try await DeployProcess.run(
            [try #require(DeployPaths.program("systemd-sysusers")), "--root=\(root)", "-"],
            input: try String(contentsOfFile: DeployPaths.deploy("dealstore.sysusers.conf"), encoding: .utf8),
            directory: directory
        )
        #expect(result.status == 0, "\(result.combined)")
        let passwd = try String(contentsOfFile: root + "/etc/passwd", encoding: .utf8)
        let user = try #require(try Self.service("User").first)
        let entry = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("\(user):") }, "\(passwd)")
        let fields = entry.split(separator: ":", omittingEmptySubsequences: false)
        #expect(fields.count == 7)
        #expect(fields[5] == "/var/lib/dealstore")
        #expect(fields[6] == "/usr/sbin/nologin")
        let group = try String(contentsOfFile: root + "/etc/group", encoding: .utf8)
        #expect(group.contains("\(try #require(try Self.service("Group").first)):"))
    }
}
