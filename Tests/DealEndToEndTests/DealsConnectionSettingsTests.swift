import DealTestSupport
import Foundation
import Testing

/// Where `deals` takes its connection from: flags, then environment, then a profile, then the local data directory.
@Suite("deals connection settings", .sharedServer, .serialized, .timeLimit(.minutes(2)))
struct DealsConnectionSettingsTests {
    /// The runner's environment without any DEALS_* connection variable.
    static func bareEnvironment(_ server: DealEndToEndServer) -> [String: String] {
        server.deals.environment.filter { !$0.key.hasPrefix("DEALS_") }
    }

    @Test("the CA and admin token are found in the local dealsd's data directory (DEALSD_DATA_DIR)")
    func localDataDirectory() async throws {
        let server = try DealEndToEndServer.shared
        var deals = server.deals
        deals.environment = Self.bareEnvironment(server)
        deals.environment["DEALSD_DATA_DIR"] = server.sandbox.dataDirectory
        deals.environment["DEALS_ADDR"] = server.daemon.address
        let result = try await deals.run(["server-info", "-o", "json"])
        #expect(result.status == 0, "\(result)")
        #expect(try result.jsonObject()["callerRole"] as? String == "admin", "\(result)")
    }

    @Test("a profile in $XDG_CONFIG_HOME/deals/profile.json, chosen by its current key or --profile")
    func profile() async throws {
        let server = try DealEndToEndServer.shared
        let directory = server.sandbox.home + "/.config/deals"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tokenFile = try server.sandbox.write(try server.sandbox.adminToken + "\n", to: "profile.token")
        let profile: [String: Any] = [
            "current": "e2e",
            "profiles": [
                "e2e": ["addr": server.daemon.address, "ca": server.sandbox.caFile, "tokenFile": tokenFile],
                "broken": ["addr": server.daemon.address, "ca": server.sandbox.caFile, "token": "not-a-token"],
            ],
        ]
        try JSONSerialization.data(withJSONObject: profile).write(to: URL(fileURLWithPath: directory + "/profile.json"))
        defer { try? FileManager.default.removeItem(atPath: directory + "/profile.json") }

        var deals = server.deals
        deals.environment = Self.bareEnvironment(server)
        let current = try await deals.run(["health"])
        #expect(current.status == 0, "\(current)")
        let broken = try await deals.run(["health", "--profile", "broken"])
        #expect(broken.status == 4, "\(broken)")
        #expect(broken.error.contains("profile \"broken\""), "the message names the token's source: \(broken)")
        let unknown = try await deals.run(["health", "--profile", "nope"])
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.error.contains("no profile \"nope\""), "\(unknown)")
        // The environment beats the profile, a flag beats the environment.
        deals.environment["DEALS_TOKEN"] = "wrong-token"
        #expect(try await deals.run(["health"]).status == 4)
        #expect(try await deals.run(["health", "--token", try server.sandbox.adminToken]).status == 0)
    }

    @Test("connection flags before the subcommand, as dealsd's banner prints them")
    func bannerSpelling() async throws {
        let server = try DealEndToEndServer.shared
        var deals = server.deals
        deals.environment = Self.bareEnvironment(server)
        let result = try await deals.run([
            "--addr", server.daemon.address, "--ca", server.sandbox.caFile, "--token", try server.sandbox.adminToken,
            "list", "-o", "json",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(try result.jsonArray().count == 5, "\(result)")
    }

    @Test("a CA that did not sign the server's certificate: exit 5 with a message about TLS and the CA file")
    func wrongCertificateAuthority() async throws {
        let server = try DealEndToEndServer.shared
        // Another daemon's development CA is a valid CA, but not this server's.
        let other = try DealSandbox()
        defer { other.remove() }
        let daemon = try other.startDaemon()
        await daemon.stop(grace: .seconds(20))
        var deals = server.deals
        deals.environment["DEALS_CA"] = other.caFile
        let result = try await deals.run(["health"])
        #expect(result.status == 5, "\(result)")
        #expect(result.error.hasPrefix("deals: TLS with \(server.daemon.address) failed"), "\(result)")
        #expect(result.error.contains(other.caFile), "\(result)")
        #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result)")
    }
}
