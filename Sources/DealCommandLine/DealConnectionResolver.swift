import DealClient
import DealProtocol
import Foundation

/// Decides where `deals` connects and with which credentials, field by field: flags, then environment, then
/// profile, then the local development daemon's defaults.
///
/// The local defaults are `127.0.0.1:7443` and, only when the address is a loopback one, the CA (`ca.pem`) and admin
/// token (`admin.token`) that `dealsd` writes to its data directory (see ``DealLocalDefaults``), so a local admin
/// token is never sent to a remote server.
public struct DealConnectionResolver: Sendable {
    /// The process environment (injected for tests).
    public var environment: [String: String]

    /// Creates a resolver reading `environment`.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// Resolves the connection from `flags` and the profile named `profileName` (or the file's current one).
    public func resolve(
        flags: DealConnectionSettings,
        profileName: String?
    ) throws(DealInputError) -> DealResolvedConnection {
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
                    throw DealInputError(
                        "no profile \"\(name)\" in \(profilePath)"
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
            throw DealInputError("--profile \(profileName) given but neither HOME nor XDG_CONFIG_HOME is set")
        }

        var resolved = DealResolvedConnection(host: DealLocalDefaults.host, port: DealLocalDefaults.port)
        // Each field is taken from the first layer that sets it, so `--ca` with a profile's token works.
        func pick(_ key: KeyPath<DealConnectionSettings, String?>, flag: String, variable: String) -> (String, String)?
        {
            if let value = flags[keyPath: key] { return (value, "--" + flag) }
            if let value = environmentSettings[keyPath: key] { return (value, variable) }
            if let value = profileSettings[keyPath: key] { return (value, profileLabel) }
            return nil
        }

        if let (address, source) = pick(\.address, flag: "addr", variable: "DEALS_ADDR") {
            let (host, port) = try Self.parseAddress(address, source: source)
            resolved.host = host
            resolved.port = port
            resolved.addressSource = source
        }
        let dataDirectory = DealLocalDefaults.dataDirectory(environment: self.environment)
        let localCA = dataDirectory + "/" + DealLocalDefaults.caFileName
        let localToken = dataDirectory + "/" + DealLocalDefaults.adminTokenFileName
        let useLocalDefaults = resolved.isLoopback

        if let (ca, source) = pick(\.caFile, flag: "ca", variable: "DEALS_CA") {
            resolved.caFile = ca
            resolved.caSource = source
        } else if useLocalDefaults {
            resolved.caSearch = ["--ca", "DEALS_CA", localCA]
            if FileManager.default.fileExists(atPath: localCA) {
                resolved.caFile = localCA
                resolved.caSource = "the local dealsd data directory"
            }
        } else {
            resolved.caSearch = ["--ca", "DEALS_CA"]
        }
        if let (certificate, source) = pick(\.certificateFile, flag: "cert", variable: "DEALS_CERT") {
            resolved.certificateFile = certificate
            resolved.certificateSource = source
        }
        if let (key, _) = pick(\.keyFile, flag: "key", variable: "DEALS_KEY") {
            resolved.keyFile = key
        } else if resolved.certificateFile != nil {
            throw DealInputError("a client certificate needs its key: pass --key or set DEALS_KEY")
        }
        if resolved.keyFile != nil && resolved.certificateFile == nil {
            throw DealInputError("a client key needs its certificate: pass --cert or set DEALS_CERT")
        }

        resolved.tokenSearch = ["--token", "DEALS_TOKEN"]
        if let (token, source) = pick(\.token, flag: "token", variable: "DEALS_TOKEN") {
            resolved.token = token
            resolved.tokenSource = source
        } else if let tokenFile = profileSettings.tokenFile {
            resolved.token = try Self.readToken(tokenFile)
            resolved.tokenSource = "\(tokenFile) (\(profileLabel))"
        } else {
            if profileLabel != "no profile" {
                resolved.tokenSearch.append(profileLabel)
            }
            if useLocalDefaults {
                resolved.tokenSearch.append(localToken)
                if FileManager.default.fileExists(atPath: localToken) {
                    resolved.token = try Self.readToken(localToken)
                    resolved.tokenSource = localToken
                }
            }
        }
        return resolved
    }

    /// Splits `host:port`, `[v6]:port` or `host` (port 7443).
    public static func parseAddress(_ text: String, source: String) throws(DealInputError) -> (String, Int) {
        let invalid = DealInputError(
            "invalid address \"\(text)\" from \(source); expected host:port, e.g. 127.0.0.1:7443 or [::1]:7443"
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

    private static func readToken(_ path: String) throws(DealInputError) -> String {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.trimmingSpaces()
        } catch {
            throw DealInputError("cannot read token file \(path): \(error.localizedDescription)")
        }
    }

    private func expandingHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = self.environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
