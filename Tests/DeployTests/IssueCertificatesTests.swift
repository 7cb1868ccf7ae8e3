import DealTestSupport
import Foundation
import Testing

/// Deploy/issue-certificates.sh, checked with the openssl command.
@Suite("Deploy/issue-certificates.sh")
struct IssueCertificatesTests {
    static let script = DeployPaths.deploy("issue-certificates.sh")

    /// Runs the script with `arguments`.
    static func issue(
        _ arguments: [String],
        in directory: DealTemporaryDirectory
    ) async throws
        -> DealExternalProcess.Result
    {
        try await DeployProcess.run(["/bin/bash", Self.script] + arguments, timeoutSeconds: 120, directory: directory)
    }

    /// `openssl x509 -text` of a certificate.
    static func text(_ certificate: String, in directory: DealTemporaryDirectory) async throws -> String {
        let result = try await DeployProcess.run(
            ["openssl", "x509", "-in", certificate, "-noout", "-text"],
            directory: directory
        )
        #expect(result.status == 0, "\(result.combined)")
        return result.output
    }

    /// `openssl verify` with a purpose; returns whether it printed `<file>: OK`.
    static func verify(
        _ certificate: String,
        ca: String,
        purpose: String,
        in directory: DealTemporaryDirectory
    ) async throws -> Bool {
        let result = try await DeployProcess.run(
            ["openssl", "verify", "-CAfile", ca, "-purpose", purpose, certificate],
            directory: directory
        )
        return result.status == 0 && result.output.contains("\(certificate): OK")
    }

    static func expectModes(keys: [String], certificates: [String]) throws {
        for key in keys {
            #expect(try permissions(of: key) == 0o600, "\(key) must be mode 0600")
        }
        for certificate in certificates {
            #expect(try permissions(of: certificate) == 0o644, "\(certificate) must be mode 0644")
        }
    }

    @Test(
        "issues a CA, a server and a client certificate, then more from that existing CA",
        arguments: [
            ("ec", "NIST CURVE: P-256"),
            ("rsa", "Public-Key: (3072 bit)"),
        ]
    )
    func freshThenExistingCA(keyType: String, keyDescription: String) async throws {
        let directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
        let fresh = directory.file("fresh")
        var arguments = [
            "--out", fresh, "--dns", "localhost,deals.example.com", "--ip", "127.0.0.1", "--ip", "::1",
            "--client", "reporting", "--days", "30",
        ]
        if keyType != "ec" {
            arguments += ["--key-type", keyType]
        }
        let first = try await Self.issue(arguments, in: directory)
        #expect(first.status == 0, "\(first.combined)")

        let ca = fresh + "/ca.pem"
        #expect(try permissions(of: fresh) == 0o700)
        try Self.expectModes(
            keys: ["ca-key.pem", "server-key.pem", "client-reporting-key.pem"].map { fresh + "/" + $0 },
            certificates: ["ca.pem", "server.pem", "client-reporting.pem"].map { fresh + "/" + $0 }
        )
        #expect(try await Self.verify(fresh + "/server.pem", ca: ca, purpose: "sslserver", in: directory))
        #expect(try await Self.verify(fresh + "/client-reporting.pem", ca: ca, purpose: "sslclient", in: directory))
        // The purposes are exclusive: a client certificate cannot serve, a server certificate cannot log in.
        #expect(!(try await Self.verify(fresh + "/client-reporting.pem", ca: ca, purpose: "sslserver", in: directory)))
        #expect(!(try await Self.verify(fresh + "/server.pem", ca: ca, purpose: "sslclient", in: directory)))

        let server = try await Self.text(fresh + "/server.pem", in: directory)
        for name in ["DNS:localhost", "DNS:deals.example.com", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1"] {
            #expect(server.contains(name), "server certificate lacks \(name):\n\(server)")
        }
        #expect(server.contains(keyDescription), "\(server)")
        #expect(server.contains("Subject: CN = localhost"), "\(server)")
        #expect(server.contains("CA:FALSE"), "\(server)")
        let client = try await Self.text(fresh + "/client-reporting.pem", in: directory)
        #expect(client.contains("Subject: CN = reporting"), "\(client)")
        #expect(client.contains("TLS Web Client Authentication"), "\(client)")
        let authority = try await Self.text(ca, in: directory)
        #expect(authority.contains("CA:TRUE"), "\(authority)")
        #expect(authority.contains("Certificate Sign"), "\(authority)")

        // --days 30: valid in 29 days, expired in 31.
        let valid = try await DeployProcess.run(
            ["openssl", "x509", "-in", fresh + "/server.pem", "-noout", "-checkend", "\(29 * 86_400)"],
            directory: directory
        )
        #expect(valid.status == 0, "\(valid.combined)")
        let expired = try await DeployProcess.run(
            ["openssl", "x509", "-in", fresh + "/server.pem", "-noout", "-checkend", "\(31 * 86_400)"],
            directory: directory
        )
        #expect(expired.status == 1, "\(expired.combined)")

        // Again, from the CA just made: it signs, and its key is neither copied nor changed.
        let caKeyBefore = try Data(contentsOf: URL(fileURLWithPath: fresh + "/ca-key.pem"))
        let second = directory.file("second")
        let again = try await Self.issue(
            [
                "--out", second, "--ca-cert", ca, "--ca-key", fresh + "/ca-key.pem", "--dns", "other.example",
                "--client", "etl",
            ],
            in: directory
        )
        #expect(again.status == 0, "\(again.combined)")
        #expect(!FileManager.default.fileExists(atPath: second + "/ca-key.pem"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fresh + "/ca-key.pem")) == caKeyBefore)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: second + "/ca.pem"))
                == Data(contentsOf: URL(fileURLWithPath: ca))
        )
        try Self.expectModes(
            keys: ["server-key.pem", "client-etl-key.pem"].map { second + "/" + $0 },
            certificates: ["ca.pem", "server.pem", "client-etl.pem"].map { second + "/" + $0 }
        )
        #expect(try await Self.verify(second + "/server.pem", ca: ca, purpose: "sslserver", in: directory))
        #expect(try await Self.verify(second + "/client-etl.pem", ca: ca, purpose: "sslclient", in: directory))
        let otherServer = try await Self.text(second + "/server.pem", in: directory)
        #expect(otherServer.contains("DNS:other.example"), "\(otherServer)")
        #expect(!otherServer.contains("DNS:localhost"), "\(otherServer)")

        // Re-running into a directory with files refuses, unless --force.
        let refused = try await Self.issue(
            ["--out", second, "--ca-cert", ca, "--ca-key", fresh + "/ca-key.pem", "--dns", "other.example"],
            in: directory
        )
        #expect(refused.status != 0)
        #expect(refused.errorOutput.contains("exists"), "\(refused.combined)")
        let forced = try await Self.issue(
            [
                "--out", second, "--force", "--ca-cert", ca, "--ca-key", fresh + "/ca-key.pem", "--dns",
                "renewed.example",
            ],
            in: directory
        )
        #expect(forced.status == 0, "\(forced.combined)")
        #expect(try await Self.text(second + "/server.pem", in: directory).contains("DNS:renewed.example"))
        try Self.expectModes(keys: [second + "/server-key.pem"], certificates: [second + "/server.pem"])
    }

    /// Arguments that must be refused, with a part of the message; `fresh/` holds a CA and its server certificate.
    static let refusals: [([String], String)] = [
        (["--dns", "a.example"], "--out DIR is required"),
        (["--out", "@/new"], "nothing to issue"),
        (["--out", "@/new", "--dns", "bad/name"], "is not a DNS name"),
        (["--out", "@/new", "--ip", "localhost"], "is not an IP address"),
        (["--out", "@/new", "--client", "../escape"], "--client"),
        (["--out", "@/new", "--dns", "a.example", "--days", "0"], "--days"),
        (["--out", "@/new", "--dns", "a.example", "--key-type", "dsa"], "--key-type"),
        (["--out", "@/new", "--dns", "a.example", "--ca-cert", "@/fresh/ca.pem"], "go together"),
        (
            ["--out", "@/new", "--dns", "a", "--ca-cert", "@/fresh/ca.pem", "--ca-key", "@/fresh/server-key.pem"],
            "is not the private key of"
        ),
        (
            ["--out", "@/new", "--dns", "a", "--ca-cert", "@/fresh/server.pem", "--ca-key", "@/fresh/server-key.pem"],
            "is not a CA certificate"
        ),
        (["--out", "@/new", "--dns", "a", "--unknown"], "unknown argument"),
    ]

    @Test("refuses bad arguments with a message, before writing anything", arguments: IssueCertificatesTests.refusals)
    func refuses(arguments: [String], message: String) async throws {
        let directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
        let setup = try await Self.issue(["--out", directory.file("fresh"), "--dns", "localhost"], in: directory)
        try #require(setup.status == 0, "\(setup.combined)")
        let result = try await Self.issue(
            arguments.map { $0.replacingOccurrences(of: "@/", with: directory.path + "/") },
            in: directory
        )
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.errorOutput.contains(message), "\(result.combined)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("new")), "wrote before validating")
    }

    @Test("--help describes every option")
    func help() async throws {
        let directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
        let result = try await Self.issue(["--help"], in: directory)
        #expect(result.status == 0)
        let source = try String(contentsOfFile: Self.script, encoding: .utf8)
        // Every option the parser accepts (the `--name)` case labels) is in the help text.
        let options = source.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("--"), let end = trimmed.firstIndex(of: ")") else { return nil }
            return String(trimmed[..<end])
        }
        #expect(options.count >= 12, "\(options)")
        for option in options {
            #expect(result.output.contains(option), "--help does not mention \(option)")
        }
    }
}
