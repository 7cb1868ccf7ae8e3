import DealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// dealsd as the tools operators point at a TLS service see it: testssl.sh (Debian package `testssl.sh`) and a
/// plain `openssl s_client` without ALPN.
@Suite("dealsd under TLS scanners", .serialized)
struct DealDaemonTLSScanTests {
    /// Runs a program to completion with stdin closed; output and error together. The scan takes minutes, so the
    /// bound is generous: it is there so a stuck scanner cannot hang the suite.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await DealExternalProcess.run(
            arguments,
            timeoutSeconds: 900,
            directory: try DealTemporaryDirectory(prefix: "dealsd-tlsscan")
        )
        return (result.status, result.combined)
    }

    /// The installed testssl.sh (Debian names the command `testssl`), if any.
    static func testssl() -> String? {
        for path in ["/usr/bin/testssl", "/usr/bin/testssl.sh", "/usr/local/bin/testssl.sh", "/usr/local/bin/testssl"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return nil
    }

    /// A daemon with the most permissive TLS setting it has (`tls.minimum_version: "1.2"`), plus `arguments`.
    static func startDaemon(_ directory: String, arguments: [String] = []) throws -> DealDaemonProcess {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configuration = directory + "/dealsd.yaml"
        try "tls:\n  minimum_version: \"1.2\"\nstore:\n  seed_if_empty: false\n".write(
            toFile: configuration,
            atomically: true,
            encoding: .utf8
        )
        return try DealDaemonProcess.start(
            dataDirectory: directory + "/data",
            extraArguments: ["--config", configuration] + arguments
        )
    }

    @Test(
        "testssl.sh finds TLS 1.3 offered, nothing below TLS 1.2, and only forward-secret cipher suites",
        .timeLimit(.minutes(3))
    )
    func testsslScan() async throws {
        guard let testssl = Self.testssl() else {
            Issue.record("testssl.sh is not installed: apt-get install -y testssl.sh (.ci/run installs it)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-testssl-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try Self.startDaemon(directory)
        defer { daemon.kill(SIGTERM) }
        let report = directory + "/testssl.json"
        // Protocols (-p) and every cipher suite per protocol (-E, through the system's openssl with --fast):
        // each offered suite's key exchange shows whether it has forward secrecy. Loopback only, no DNS.
        let scan = try await Self.run([
            testssl, "--warnings", "off", "--openssl", "/usr/bin/openssl", "--quiet", "--color", "0", "--nodns",
            "min", "--ip", "one", "--fast", "-p", "-E", "--jsonfile", report, "127.0.0.1:\(daemon.port)",
        ])
        let data = try Data(contentsOf: URL(fileURLWithPath: report))
        let entries = try #require(
            try JSONSerialization.jsonObject(with: data) as? [[String: Any]],
            "testssl.sh wrote no JSON list: \(scan.output)"
        )
        var findings: [String: String] = [:]
        for entry in entries {
            if let id = entry["id"] as? String, let finding = entry["finding"] as? String { findings[id] = finding }
        }
        #expect(findings["scanProblem"] == nil, "testssl.sh could not scan: \(findings["scanProblem"] ?? "")")
        #expect(findings["TLS1_3"]?.hasPrefix("offered") == true, "TLS 1.3: \(findings["TLS1_3"] ?? "missing")")
        #expect(findings["TLS1_2"]?.hasPrefix("offered") == true, "TLS 1.2: \(findings["TLS1_2"] ?? "missing")")
        for old in ["SSLv2", "SSLv3", "TLS1", "TLS1_1"] {
            #expect(findings[old] == "not offered", "\(old): \(findings[old] ?? "missing")")
        }
        // "cipher-tls1_2_xc02c": "TLS 1.2   xc02c   ECDHE-ECDSA-AES256-GCM-SHA384   ECDH 253   AESGCM ...".
        let suites = findings.filter { $0.key.hasPrefix("cipher-") }
        #expect(!suites.isEmpty, "testssl.sh listed no cipher suites: \(scan.output)")
        for (id, finding) in suites {
            #expect(
                id.hasPrefix("cipher-tls1_2_") || id.hasPrefix("cipher-tls1_3_"),
                "a suite offered below TLS 1.2: \(finding)"
            )
            let columns = finding.split(separator: " ", omittingEmptySubsequences: true)
            let keyExchange = columns.count > 4 ? String(columns[4]) : ""
            #expect(["ECDH", "DH"].contains(keyExchange), "not forward-secret: \(finding)")
        }
    }

    @Test("openssl s_client without ALPN completes the handshake with dealsd and reads its certificate")
    func clientWithoutALPN() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-noalpn-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try Self.startDaemon(directory)
        defer { daemon.kill(SIGTERM) }
        let result = try await Self.run([
            "openssl", "s_client", "-connect", "127.0.0.1:\(daemon.port)", "-servername", "localhost",
            "-CAfile", daemon.caFile, "-verify_return_error",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("-----BEGIN CERTIFICATE-----"), "\(result.output)")
        #expect(result.output.contains("Verify return code: 0 (ok)"), "\(result.output)")
        #expect(result.output.contains("No ALPN negotiated"), "\(result.output)")
        // The expiry a certificate monitor reads.
        let dates = try await Self.run(["sh", "-c", "openssl x509 -noout -enddate <<'EOF'\n\(result.output)\nEOF"])
        #expect(dates.output.hasPrefix("notAfter="), "\(dates.output)")
    }

    @Test("with --require-alpn, dealsd refuses a client without ALPN and still accepts dealstore/1")
    func requireALPN() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-alpn-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try Self.startDaemon(directory, arguments: ["--require-alpn"])
        defer { daemon.kill(SIGTERM) }
        let refused = try await Self.run([
            "openssl", "s_client", "-connect", "127.0.0.1:\(daemon.port)", "-CAfile", daemon.caFile,
        ])
        #expect(refused.status != 0, "\(refused.output)")
        #expect(refused.output.contains("no application protocol"), "\(refused.output)")
        let accepted = try await Self.run([
            "openssl", "s_client", "-connect", "127.0.0.1:\(daemon.port)", "-CAfile", daemon.caFile,
            "-alpn", "dealstore/1",
        ])
        #expect(accepted.status == 0, "\(accepted.output)")
        #expect(accepted.output.contains("ALPN protocol: dealstore/1"), "\(accepted.output)")
    }
}
