import DealServer
import DealTestSupport
import Foundation
import Testing

/// Deploy/dealsd.yaml: it parses, it says what it sets, and it lists (and explains) every setting there is.
@Suite("Deploy/dealsd.yaml")
struct ExampleConfigurationTests {
    /// The settings the example changes from the built-in defaults; each is marked `# production` in the file.
    static let productionSettings: [String: @Sendable (inout DealDaemonConfiguration) -> Void] = [
        "listen": { $0.listen = "0.0.0.0:7443" },
        "data_dir": { $0.dataDir = "/var/lib/dealstore" },
        "tls.certificate": { $0.tls.certificate = "/etc/dealstore/tls/server.pem" },
        "tls.private_key": { $0.tls.privateKey = "/etc/dealstore/tls/server-key.pem" },
        "tls.client_ca": { $0.tls.clientCA = "/etc/dealstore/tls/ca.pem" },
        "tls.client_certificates": { $0.tls.clientCertificates = "optional" },
        "auth.certificate_roles": { $0.auth.certificateRoles = ["cn:reporting": "read"] },
        "store.seed_if_empty": { $0.store.seedIfEmpty = false },
    ]

    /// One `key:` line of the example.
    struct KeyLine {
        /// `section.key`, or `key` at the top level.
        var path: String
        /// Whether it is a section (`tls:`) rather than a setting.
        var isSection: Bool
        var isMarkedProduction: Bool
        /// The comment lines right above it.
        var comment: [String]
    }

    /// The top-level and section-level keys of the example, read from its text (two-space indentation).
    static func keyLines() throws -> [KeyLine] {
        let text = try String(contentsOfFile: DeployPaths.deploy("dealsd.yaml"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var result: [KeyLine] = []
        var section: String?
        var comment: [String] = []
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") {
                comment.append(trimmed)
                continue
            }
            defer { comment = [] }
            if trimmed.isEmpty || trimmed.hasPrefix("- ") {
                continue
            }
            let indent = line.prefix { $0 == " " }.count
            guard indent <= 2, let colon = trimmed.firstIndex(of: ":") else {
                continue
            }
            let key = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let isSection = indent == 0 && (value.isEmpty || value.hasPrefix("#"))
            if indent == 0 {
                section = isSection ? key : nil
            }
            let path = indent == 0 ? key : "\(section ?? "?").\(key)"
            result.append(
                KeyLine(
                    path: path,
                    isSection: isSection,
                    isMarkedProduction: line.contains("# production"),
                    comment: comment
                )
            )
        }
        return result
    }

    /// Every setting's path, from encoding the configuration type itself (so a new setting shows up here).
    static func settingPaths() throws -> Set<String> {
        var configuration = DealDaemonConfiguration()
        configuration.dataDir = ""  // an optional is encoded only when set
        let data = try JSONEncoder().encode(configuration)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var paths = Set<String>()
        for (key, value) in object {
            if let section = value as? [String: Any], key != "certificate_roles" {
                paths.formUnion(section.keys.map { "\(key).\($0)" })
            } else {
                paths.insert(key)
            }
        }
        return paths
    }

    @Test("loads with DealDaemonConfiguration.load and equals the defaults except the lines marked production")
    func loadsAsDocumented() throws {
        let loaded = try DealDaemonConfiguration.load(path: DeployPaths.deploy("dealsd.yaml"))
        var expected = DealDaemonConfiguration()
        for (_, apply) in Self.productionSettings {
            apply(&expected)
        }
        #expect(loaded == expected)
        // Each production change is applied one at a time too, so a mismatch names the setting.
        for (path, apply) in Self.productionSettings {
            var single = DealDaemonConfiguration()
            apply(&single)
            #expect(single != DealDaemonConfiguration(), "\(path) is set to its default")
        }
        let marked = Set(try Self.keyLines().filter(\.isMarkedProduction).map(\.path))
        #expect(marked == Set(Self.productionSettings.keys))
    }

    @Test("names every setting of DealDaemonConfiguration, and nothing else")
    func namesEverySetting() throws {
        let documented = Set(try Self.keyLines().filter { !$0.isSection }.map(\.path))
        let settings = try Self.settingPaths()
        #expect(settings.subtracting(documented).isEmpty, "missing from Deploy/dealsd.yaml")
        #expect(documented.subtracting(settings).isEmpty, "not settings of DealDaemonConfiguration")
        // Every stored property is a setting: a property without a coding key would be invisible above.
        #expect(Mirror(reflecting: DealDaemonConfiguration()).children.count == 9)
        #expect(settings.filter { !$0.contains(".") }.count + 5 == 9)
        let sections: [(String, Int)] = [
            ("tls", Mirror(reflecting: DealDaemonConfiguration.TLS()).children.count),
            ("auth", Mirror(reflecting: DealDaemonConfiguration.Auth()).children.count),
            ("store", Mirror(reflecting: DealDaemonConfiguration.Store()).children.count),
            ("limits", Mirror(reflecting: DealDaemonConfiguration.Limits()).children.count),
            ("postgres", Mirror(reflecting: DealDaemonConfiguration.Postgres()).children.count),
        ]
        for (section, properties) in sections {
            #expect(settings.filter { $0.hasPrefix(section + ".") }.count == properties, "section \(section)")
        }
    }

    @Test("explains every setting in a comment that gives its default")
    func explainsEverySetting() throws {
        for line in try Self.keyLines() where !line.isSection {
            #expect(!line.comment.isEmpty, "\(line.path) has no comment above it")
            #expect(
                line.comment.contains { $0.localizedCaseInsensitiveContains("default") },
                "the comment above \(line.path) does not give its default"
            )
        }
    }

    @Test(
        "a misspelled or mistyped setting is refused with its name",
        arguments: [
            ("listn: \"127.0.0.1:7443\"\n", "listn"),
            ("tls:\n  private_kye: /k.pem\n", "tls.private_kye"),
            ("limits:\n  max_conections: 5\n", "limits.max_conections"),
            ("limits:\n  max_connections: many\n", "max_connections"),
            ("listen: [unclosed\n", "is not a valid dealsd configuration"),
        ]
    )
    func refusesUnknownSettings(text: String, named: String) throws {
        let directory = try DealTemporaryDirectory(prefix: "dealstore-deploy")
        let path = directory.file("dealsd.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: DealServerError.self) {
            try DealDaemonConfiguration.load(path: path)
        }
        #expect(error.message.contains(named), "\(error.message)")
        #expect(error.message.contains(path), "\(error.message)")
    }
}
