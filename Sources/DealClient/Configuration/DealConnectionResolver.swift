import DealProtocol
import Foundation

/// Decides where a client connects and with which credentials, field by field: explicit values, then the
/// `DEALS_*` environment, then the profile file, then the local development daemon's defaults. `deals` and
/// ``DealClientConfiguration/resolve(_:profile:environment:)`` both use it; PROTOCOL.md ("Client configuration")
/// states the rule for clients in other languages.
///
/// The local defaults are `127.0.0.1:7443` and, only when the address is a loopback one, the CA (`ca.pem`) and admin
/// token (`admin.token`) that `dealsd` writes to its data directory (see `DealLocalDefaults`), so a local admin
/// token is never sent to a remote server. Every token read (inline or from a file) is trimmed of surrounding
/// whitespace: `admin.token` ends in a newline.
public struct DealConnectionResolver: Sendable {
    /// The process environment (injected for tests).
    public var environment: [String: String]
    /// How messages name an explicit value: `DealConnectionSettings.caFile` by default, `--ca` for `deals`.
    public var explicitName: @Sendable (DealConnectionField) -> String

    /// Creates a resolver reading `environment`; `explicitName` names explicit values in messages.
    public init(
        environment: [String: String],
        explicitName: @escaping @Sendable (DealConnectionField) -> String = { $0.settingName }
    ) {
        self.environment = environment
        self.explicitName = explicitName
    }

    /// Resolves the connection from `explicit` and the profile named `profileName` (or the file's current one).
    public func resolve(
        explicit: DealConnectionSettings,
        profileName: String?
    ) throws(DealClientConfigurationError) -> DealResolvedConnection {
        let environmentSettings = DealConnectionSettings.fromEnvironment(self.environment)
        var profileSettings = DealConnectionSettings()
        var profileLabel = "no profile"
        let profilePath = DealProfileFile.path(environment: self.environment)
        if let profilePath {
            let file = try DealProfileFile.load(path: profilePath)
            let name = profileName ?? file?.current ?? (file?.profiles["default"] != nil ? "default" : nil)
            if let name {
                guard let profile = file?.profiles[name] else {
                    let known = file?.profiles.keys.sorted().joined(separator: ", ") ?? ""
                    throw DealClientConfigurationError(
                        code: .invalidProfile,
                        message: "no profile \"\(name)\" in \(profilePath)"
                            + (known.isEmpty ? " (the file has no profiles)" : " (known: \(known))")
                    )
                }
                profileSettings = DealConnectionSettings(
                    address: profile.addr,
                    token: profile.token,
                    tokenFile: profile.tokenFile.map(self.expandingHome),
                    caFile: profile.ca.map(self.expandingHome),
                    certificateFile: profile.cert.map(self.expandingHome),
                    keyFile: profile.key.map(self.expandingHome)
                )
                profileLabel = "profile \"\(name)\" (\(profilePath))"
            }
        } else if let profileName {
            throw DealClientConfigurationError(
                code: .invalidProfile,
                message: "profile \"\(profileName)\" requested but neither HOME nor XDG_CONFIG_HOME is set"
            )
        }

        var resolved = DealResolvedConnection(host: DealLocalDefaults.host, port: DealLocalDefaults.port)
        // Each field is taken from the first layer that sets it, so an explicit CA with a profile's token works.
        func pick(_ field: DealConnectionField) -> (String, String)? {
            if let value = explicit[field] { return (value, self.explicitName(field)) }
            if let value = environmentSettings[field] { return (value, field.environmentVariable) }
            if let value = profileSettings[field] { return (value, profileLabel) }
            return nil
        }
        func names(_ field: DealConnectionField) -> String {
            "\(self.explicitName(field)) or \(field.environmentVariable)"
        }

        if let (address, source) = pick(.address) {
            let (host, port) = try Self.parseAddress(address, source: source)
            resolved.host = host
            resolved.port = port
            resolved.addressSource = source
        }
        let dataDirectory = DealLocalDefaults.dataDirectory(environment: self.environment)
        let localCA = dataDirectory + "/" + DealLocalDefaults.caFileName
        let localToken = dataDirectory + "/" + DealLocalDefaults.adminTokenFileName
        let useLocalDefaults = resolved.isLoopback

        if let (ca, source) = pick(.caFile) {
            resolved.caFile = ca
            resolved.caSource = source
        } else if useLocalDefaults {
            resolved.caSearch = [self.explicitName(.caFile), DealConnectionField.caFile.environmentVariable, localCA]
            if FileManager.default.fileExists(atPath: localCA) {
                resolved.caFile = localCA
                resolved.caSource = "the local dealsd data directory"
            }
        } else {
            resolved.caSearch = [self.explicitName(.caFile), DealConnectionField.caFile.environmentVariable]
        }
        if let (certificate, source) = pick(.certificateFile) {
            resolved.certificateFile = certificate
            resolved.certificateSource = source
        }
        if let (key, _) = pick(.keyFile) {
            resolved.keyFile = key
        } else if resolved.certificateFile != nil {
            throw DealClientConfigurationError(
                code: .incompleteClientCertificate,
                message: "a client certificate needs its key: set \(names(.keyFile))"
            )
        }
        if resolved.keyFile != nil && resolved.certificateFile == nil {
            throw DealClientConfigurationError(
                code: .incompleteClientCertificate,
                message: "a client key needs its certificate: set \(names(.certificateFile))"
            )
        }

        // The token comes from the first layer that sets a token or a token file; within a layer, inline wins.
        let layers: [(DealConnectionSettings, tokenName: String, fileName: String)] = [
            (explicit, self.explicitName(.token), self.explicitName(.tokenFile)),
            (
                environmentSettings, DealConnectionField.token.environmentVariable,
                DealConnectionField.tokenFile.environmentVariable
            ),
            (profileSettings, profileLabel, profileLabel),
        ]
        resolved.tokenSearch = [
            self.explicitName(.token), self.explicitName(.tokenFile), DealConnectionField.token.environmentVariable,
            DealConnectionField.tokenFile.environmentVariable,
        ]
        for (settings, tokenName, fileName) in layers {
            if let token = settings.token {
                resolved.token = Self.trimmed(token)
                resolved.tokenSource = tokenName
                return resolved
            }
            if let tokenFile = settings.tokenFile {
                resolved.token = try Self.readToken(tokenFile, source: fileName)
                resolved.tokenSource = "\(tokenFile) (\(fileName))"
                return resolved
            }
        }
        if profileLabel != "no profile" {
            resolved.tokenSearch.append(profileLabel)
        }
        if useLocalDefaults {
            resolved.tokenSearch.append(localToken)
            if FileManager.default.fileExists(atPath: localToken) {
                resolved.token = try Self.readToken(localToken, source: "the local dealsd data directory")
                resolved.tokenSource = localToken
            }
        }
        return resolved
    }

    /// Splits `host:port`, `[v6]:port` or `host` (port 7443).
    public static func parseAddress(
        _ text: String,
        source: String
    ) throws(DealClientConfigurationError) -> (String, Int) {
        let invalid = DealClientConfigurationError(
            code: .invalidAddress,
            message: "invalid address \"\(text)\" from \(source); expected host:port, e.g. 127.0.0.1:7443 or [::1]:7443"
        )
        var host = text
        var portText: String?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid }
                portText = String(rest.dropFirst())
            }
        } else if let colon = text.lastIndex(of: ":") {
            guard text.firstIndex(of: ":") == colon else { throw invalid }
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { throw invalid }
        guard let portText else { return (host, DealLocalDefaults.port) }
        guard let port = Int(portText), (1...65535).contains(port) else { throw invalid }
        return (host, port)
    }

    /// Reads a token file, trimmed of surrounding whitespace (``DealClientConfiguration/tokenFile`` reads the same
    /// way).
    public static func readToken(_ path: String, source: String) throws(DealClientConfigurationError) -> String {
        do {
            return Self.trimmed(try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw DealClientConfigurationError(
                code: .unreadableTokenFile,
                message: "cannot read the token file \(path) (from \(source)): \(error.localizedDescription)",
                cause: "\(error)"
            )
        }
    }

    /// A token without surrounding whitespace: a trailing newline would make every call UNAUTHENTICATED.
    static func trimmed(_ token: String) -> String {
        token.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func expandingHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = self.environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
