import DealClient
import Foundation
import Testing

@Suite struct DealConnectionResolverTests {
    /// A temporary HOME with a dealsd data directory (ca.pem, admin.token) and a profile file.
    struct Sandbox {
        let root: String
        var environment: [String: String]

        init(profile: String? = nil, localDaemon: Bool = true) throws {
            self.root = NSTemporaryDirectory() + "deals-tests-" + UUID().uuidString
            let data = self.root + "/state"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                atPath: self.root + "/config/deals",
                withIntermediateDirectories: true
            )
            if localDaemon {
                try "-----BEGIN CERTIFICATE-----\n".write(toFile: data + "/ca.pem", atomically: true, encoding: .utf8)
                try "local-admin-token\n".write(toFile: data + "/admin.token", atomically: true, encoding: .utf8)
            }
            if let profile {
                try profile.write(toFile: self.root + "/config/deals/profile.json", atomically: true, encoding: .utf8)
            }
            try "profile-file-token\n".write(toFile: self.root + "/prod.token", atomically: true, encoding: .utf8)
            self.environment = [
                "HOME": self.root, "XDG_CONFIG_HOME": self.root + "/config", "DEALSD_DATA_DIR": data,
            ]
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: self.root)
        }
    }

    /// Names explicit values the way `deals` does, so the messages below read as the CLI's.
    static let flag: @Sendable (DealConnectionField) -> String = { field in
        switch field {
        case .address: "--addr"
        case .token: "--token"
        case .tokenFile: "--token-file"
        case .caFile: "--ca"
        case .certificateFile: "--cert"
        case .keyFile: "--key"
        }
    }

    static let profile = """
        {"current": "staging", "profiles": {
          "staging": {"addr": "127.0.0.1:9000", "token": "profile-token", "ca": "~/staging-ca.pem"},
          "prod": {"addr": "deals.example.com:443", "tokenFile": "~/prod.token", "cert": "c.pem", "key": "k.pem"}
        }}
        """

    @Test func noSettingsFindsTheLocalDaemon() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let resolved = try DealConnectionResolver(environment: sandbox.environment, explicitName: Self.flag)
            .resolve(explicit: DealConnectionSettings(), profileName: nil)
        #expect(resolved.address == "127.0.0.1:7443")
        #expect(resolved.caFile == sandbox.environment["DEALSD_DATA_DIR"]! + "/ca.pem")
        #expect(resolved.token == "local-admin-token")
        #expect(resolved.tokenSource == sandbox.environment["DEALSD_DATA_DIR"]! + "/admin.token")
        let configuration = resolved.clientConfiguration
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 7443)
        #expect(configuration.token == "local-admin-token")
        #expect(configuration.trustRootsFile == resolved.caFile)
    }

    @Test func profileOverridesLocalDefaults() throws {
        let sandbox = try Sandbox(profile: Self.profile)
        defer { sandbox.remove() }
        let resolved = try DealConnectionResolver(environment: sandbox.environment, explicitName: Self.flag)
            .resolve(explicit: DealConnectionSettings(), profileName: nil)
        #expect(resolved.address == "127.0.0.1:9000")
        #expect(resolved.token == "profile-token")
        #expect(resolved.caFile == sandbox.root + "/staging-ca.pem")
        #expect(resolved.caSource?.contains("profile \"staging\"") == true)
    }

    @Test func environmentOverridesProfile() throws {
        var sandbox = try Sandbox(profile: Self.profile)
        defer { sandbox.remove() }
        sandbox.environment["DEALS_ADDR"] = "10.0.0.5:7000"
        sandbox.environment["DEALS_TOKEN"] = "env-token"
        let resolved = try DealConnectionResolver(environment: sandbox.environment, explicitName: Self.flag)
            .resolve(explicit: DealConnectionSettings(), profileName: nil)
        #expect(resolved.address == "10.0.0.5:7000")
        #expect(resolved.addressSource == "DEALS_ADDR")
        #expect(resolved.token == "env-token")
        #expect(resolved.tokenSource == "DEALS_TOKEN")
        // Fields the environment leaves unset still come from the profile.
        #expect(resolved.caFile == sandbox.root + "/staging-ca.pem")
    }

    @Test func flagsOverrideEnvironment() throws {
        var sandbox = try Sandbox(profile: Self.profile)
        defer { sandbox.remove() }
        sandbox.environment["DEALS_ADDR"] = "10.0.0.5:7000"
        sandbox.environment["DEALS_TOKEN"] = "env-token"
        sandbox.environment["DEALS_CA"] = "/env/ca.pem"
        let resolved = try DealConnectionResolver(environment: sandbox.environment, explicitName: Self.flag)
            .resolve(
                explicit: DealConnectionSettings(
                    address: "flag-host:1234",
                    token: "flag-token",
                    caFile: "/flag/ca.pem"
                ),
                profileName: nil
            )
        #expect(resolved.address == "flag-host:1234")
        #expect(resolved.addressSource == "--addr")
        #expect(resolved.token == "flag-token")
        #expect(resolved.caFile == "/flag/ca.pem")
        #expect(resolved.caSource == "--ca")
    }

    @Test func namedProfileWithTokenFileAndRemoteAddressSkipsLocalSecrets() throws {
        let sandbox = try Sandbox(profile: Self.profile)
        defer { sandbox.remove() }
        let resolved = try DealConnectionResolver(environment: sandbox.environment, explicitName: Self.flag)
            .resolve(explicit: DealConnectionSettings(), profileName: "prod")
        #expect(resolved.host == "deals.example.com")
        #expect(resolved.port == 443)
        #expect(resolved.token == "profile-file-token")
        #expect(resolved.certificateFile == "c.pem")
        #expect(resolved.keyFile == "k.pem")
        // A remote server never gets the local CA or admin token.
        #expect(resolved.caFile == nil)
    }

    @Test func remoteAddressWithoutTokenReportsWhereItLooked() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let resolved = try DealConnectionResolver(environment: sandbox.environment, explicitName: Self.flag)
            .resolve(explicit: DealConnectionSettings(address: "deals.example.com:7443"), profileName: nil)
        #expect(resolved.token == nil)
        #expect(resolved.caFile == nil)
        #expect(resolved.tokenSearch == ["--token", "--token-file", "DEALS_TOKEN", "DEALS_TOKEN_FILE"])
    }

    @Test func unknownProfileIsAnError() throws {
        let sandbox = try Sandbox(profile: Self.profile)
        defer { sandbox.remove() }
        #expect {
            try DealConnectionResolver(environment: sandbox.environment, explicitName: Self.flag)
                .resolve(explicit: DealConnectionSettings(), profileName: "nope")
        } throws: { error in
            let error = error as? DealClientConfigurationError
            return error?.code == .invalidProfile && error?.message.contains("known: prod, staging") == true
        }
    }

    @Test func certificateWithoutKeyIsAnError() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        #expect(
            throws: DealClientConfigurationError(
                code: .incompleteClientCertificate,
                message: "a client certificate needs its key: set --key or DEALS_KEY"
            )
        ) {
            try DealConnectionResolver(environment: sandbox.environment, explicitName: Self.flag)
                .resolve(explicit: DealConnectionSettings(certificateFile: "c.pem"), profileName: nil)
        }
    }

    @Test(arguments: [
        ("127.0.0.1:7443", "127.0.0.1", 7443),
        ("localhost", "localhost", 7443),
        ("[::1]:9000", "::1", 9000),
        ("deals.example.com:443", "deals.example.com", 443),
    ])
    func parsesAddresses(_ text: String, _ host: String, _ port: Int) throws {
        let (parsedHost, parsedPort) = try DealConnectionResolver.parseAddress(text, source: "--addr")
        #expect(parsedHost == host)
        #expect(parsedPort == port)
    }

    @Test(arguments: ["host:0", "host:70000", "host:abc", ":7443", "a:b:c", "[::1"])
    func rejectsBadAddresses(_ text: String) {
        #expect(throws: DealClientConfigurationError.self) {
            try DealConnectionResolver.parseAddress(text, source: "DEALS_ADDR")
        }
    }

    @Test func libraryMessagesNameConfigurationFieldsNotFlags() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        #expect(
            throws: DealClientConfigurationError(
                code: .incompleteClientCertificate,
                message: "a client key needs its certificate: set DealConnectionSettings.certificateFile or DEALS_CERT"
            )
        ) {
            try DealClientConfiguration.resolve(
                DealConnectionSettings(keyFile: "k.pem"),
                environment: sandbox.environment
            )
        }
    }

    @Test func tokensAreTrimmedWhereverTheyAreRead() throws {
        var sandbox = try Sandbox()
        defer { sandbox.remove() }
        // The local admin.token ends in a newline.
        #expect(try DealClientConfiguration.resolve(environment: sandbox.environment).token == "local-admin-token")
        sandbox.environment["DEALS_TOKEN"] = "  env-token\n"
        #expect(try DealClientConfiguration.resolve(environment: sandbox.environment).token == "env-token")
        let explicit = DealConnectionSettings(token: "\texplicit-token \n")
        #expect(
            try DealClientConfiguration.resolve(explicit, environment: sandbox.environment).token == "explicit-token"
        )
    }

    @Test func tokenFilesFollowTheSamePrecedence() throws {
        var sandbox = try Sandbox(profile: Self.profile)
        defer { sandbox.remove() }
        try "env-file-token\n".write(toFile: sandbox.root + "/env.token", atomically: true, encoding: .utf8)
        sandbox.environment["DEALS_TOKEN_FILE"] = sandbox.root + "/env.token"
        // The environment's token file beats the profile's inline token.
        let fromEnvironment = try DealConnectionResolver(environment: sandbox.environment)
            .resolve(explicit: DealConnectionSettings(), profileName: nil)
        #expect(fromEnvironment.token == "env-file-token")
        #expect(fromEnvironment.tokenSource == sandbox.root + "/env.token (DEALS_TOKEN_FILE)")
        // An explicit token file beats the environment's; an inline token beats a file in the same layer.
        let explicitFile = DealConnectionSettings(tokenFile: sandbox.root + "/prod.token")
        let fromExplicitFile = try DealClientConfiguration.resolve(explicitFile, environment: sandbox.environment)
        #expect(fromExplicitFile.token == "profile-file-token")
        sandbox.environment["DEALS_TOKEN"] = "env-token"
        #expect(try DealClientConfiguration.resolve(environment: sandbox.environment).token == "env-token")
    }

    @Test func anUnreadableTokenFileSaysWhichAndFromWhere() throws {
        var sandbox = try Sandbox()
        defer { sandbox.remove() }
        sandbox.environment["DEALS_TOKEN_FILE"] = sandbox.root + "/missing.token"
        #expect {
            try DealClientConfiguration.resolve(environment: sandbox.environment)
        } throws: { error in
            let error = error as? DealClientConfigurationError
            return error?.code == .unreadableTokenFile
                && error?.message.contains(sandbox.root + "/missing.token (from DEALS_TOKEN_FILE)") == true
        }
    }
}
