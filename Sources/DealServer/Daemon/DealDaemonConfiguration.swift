import DealProtocol
import Foundation
import Yams

/// Everything `dealsd` can be told, from a YAML file, environment variables and flags.
///
/// Precedence, highest first: command-line flags, environment variables (`DEALSD_*`), the configuration file
/// (`--config` or `DEALSD_CONFIG`), built-in defaults. Deploy/dealsd.yaml documents every key. Unknown keys are
/// an error, so a misspelled setting is never silently ignored.
public struct DealDaemonConfiguration: Codable, Sendable, Equatable {
    /// `HOST:PORT` to listen on; `[::1]:7443` for IPv6.
    public var listen: String = "\(DealLocalDefaults.host):\(DealLocalDefaults.port)"
    /// The data directory: store, development CA, tokens. Created with mode 0700 when missing.
    public var dataDir: String?
    public var tls = TLS()
    public var auth = Auth()
    public var store = Store()
    public var limits = Limits()
    /// PostgreSQL: when `conninfo` is set, the node is a replica of a cluster kept there (Deploy/cluster.md).
    public var postgres = Postgres()
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel: String = "info"
    /// `HOST:PORT` for the Prometheus text endpoint (`GET /metrics`); empty disables it.
    public var metricsListen: String = ""

    public struct TLS: Codable, Sendable, Equatable {
        /// PEM certificate chain; empty uses the development CA's server certificate in the data directory.
        public var certificate: String = ""
        /// PEM private key of `certificate`.
        public var privateKey: String = ""
        /// PEM CA bundle that client certificates must chain to.
        public var clientCA: String = ""
        /// none, optional or required.
        public var clientCertificates: String = "none"
        /// "1.3" (default) or "1.2".
        public var minimumVersion: String = "1.3"
        public var handshakeTimeoutSeconds: Double = 10
        /// Refuse a TLS client that offers no ALPN at all (false by default, so TLS monitors can read the
        /// certificate); a client offering only another protocol is refused either way.
        public var requireALPN: Bool = false

        public init() {}

        enum CodingKeys: String, CodingKey {
            case certificate
            case privateKey = "private_key"
            case clientCA = "client_ca"
            case clientCertificates = "client_certificates"
            case minimumVersion = "minimum_version"
            case handshakeTimeoutSeconds = "handshake_timeout_seconds"
            case requireALPN = "require_alpn"
        }
    }

    public struct Auth: Codable, Sendable, Equatable {
        /// The tokens file (hashes only); empty means `tokens` in the data directory.
        public var tokensFile: String = ""
        /// Client-certificate names mapped to roles, e.g. `"cn:reporting": read`, `"dns:etl.internal": write`.
        public var certificateRoles: [String: String] = [:]
        /// Methods callable without credentials.
        public var anonymousMethods: [String] = ["/dealstore.v1.Health/Check", "/dealstore.v1.Server/GetInfo"]

        public init() {}

        enum CodingKeys: String, CodingKey {
            case tokensFile = "tokens_file"
            case certificateRoles = "certificate_roles"
            case anonymousMethods = "anonymous_methods"
        }
    }

    public struct Store: Codable, Sendable, Equatable {
        /// always (default: acknowledged means on disk), batch, or none.
        public var fsync: String = "always"
        /// With `fsync: batch`, how often the log is synced.
        public var fsyncIntervalMilliseconds: Int = 10
        /// Write a snapshot after this many logged records (then compact the history per the retention).
        public var snapshotEveryRecords: Int = 100_000
        /// Start a new log segment past this size.
        public var segmentSizeMegabytes: Int = 64
        /// Load the bundled dataset when the store is empty on first start.
        public var seedIfEmpty: Bool = true
        /// Change events kept in memory for watches (replay and slow watchers); up to twice as many are retained.
        public var changeHistoryLimit: Int = 10_000
        /// Change history kept in the log segments: at least the latest this many revisions (0: no count limit).
        public var historyRetentionRevisions: Int = 1_000_000
        /// Change history kept in the log segments: changes younger than this many hours (0: no age limit).
        public var historyRetentionHours: Double = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case fsync
            case fsyncIntervalMilliseconds = "fsync_interval_ms"
            case snapshotEveryRecords = "snapshot_every_records"
            case segmentSizeMegabytes = "segment_size_mb"
            case seedIfEmpty = "seed_if_empty"
            case changeHistoryLimit = "change_history_limit"
            case historyRetentionRevisions = "history_retention_revisions"
            case historyRetentionHours = "history_retention_hours"
        }
    }

    /// The `postgres:` section: a non-empty `conninfo` switches the store from the local write-ahead log to a
    /// cluster in PostgreSQL (see Deploy/cluster.md).
    public struct Postgres: Codable, Sendable, Equatable {
        /// A libpq connection string or URI, passed to libpq unchanged (sslmode, .pgpass, PGSERVICE, several
        /// hosts with target_session_attrs=read-write); empty (the default) keeps the local store.
        public var conninfo: String = ""

        public init() {}

        enum CodingKeys: String, CodingKey {
            case conninfo
        }
    }

    public struct Limits: Codable, Sendable, Equatable {
        public var maxConnections: Int = 1024
        public var maxConnectionsPerAddress: Int = 256
        public var maxConcurrentStreams: Int = 100
        public var maxFrameSize: Int = DealFrame.defaultMaximumPayloadSize
        public var initialWindowSize: Int = DealFrame.defaultMaximumPayloadSize
        public var idleTimeoutSeconds: Double = 300
        public var minPingIntervalSeconds: Double = 10
        public var maxPingStrikes: Int = 2
        public var maxOutputBufferMegabytes: Int = 16
        public var drainGraceSeconds: Double = 10
        public var maxImportRecords: Int = 1_000_000
        public var helloTimeoutSeconds: Double = 5
        public var requestBodyTimeoutSeconds: Double = 10
        public var maxRequestBufferMegabytes: Int = 16
        public var maxIncompleteStreams: Int = 32
        public var maxServerRequestBufferMegabytes: Int = 256
        public var maxServerOutputBufferMegabytes: Int = 1024
        public var maxServerIncompleteStreams: Int = 4096
        /// Most bytes of request messages one ImportDeals call may carry.
        public var maxImportBytes: Int = 256 << 20
        /// Field occurrences one request message may decode into.
        public var maxRequestFields: Int = 100_000
        /// Largest HEADERS payload a call may open with.
        public var maxHeadersBytes: Int = 16 << 10

        public init() {}

        enum CodingKeys: String, CodingKey {
            case maxConnections = "max_connections"
            case maxConnectionsPerAddress = "max_connections_per_address"
            case maxConcurrentStreams = "max_concurrent_streams"
            case maxFrameSize = "max_frame_size"
            case initialWindowSize = "initial_window_size"
            case idleTimeoutSeconds = "idle_timeout_seconds"
            case minPingIntervalSeconds = "min_ping_interval_seconds"
            case maxPingStrikes = "max_ping_strikes"
            case maxOutputBufferMegabytes = "max_output_buffer_mb"
            case drainGraceSeconds = "drain_grace_seconds"
            case maxImportRecords = "max_import_records"
            case helloTimeoutSeconds = "hello_timeout_seconds"
            case requestBodyTimeoutSeconds = "request_body_timeout_seconds"
            case maxRequestBufferMegabytes = "max_request_buffer_mb"
            case maxIncompleteStreams = "max_incomplete_streams"
            case maxServerRequestBufferMegabytes = "max_server_request_buffer_mb"
            case maxServerOutputBufferMegabytes = "max_server_output_buffer_mb"
            case maxServerIncompleteStreams = "max_server_incomplete_streams"
            case maxImportBytes = "max_import_bytes"
            case maxRequestFields = "max_request_fields"
            case maxHeadersBytes = "max_headers_bytes"
        }
    }

    enum CodingKeys: String, CodingKey {
        case listen
        case dataDir = "data_dir"
        case tls
        case auth
        case store
        case limits
        case postgres
        case logLevel = "log_level"
        case metricsListen = "metrics_listen"
    }

    /// The built-in defaults.
    public init() {}

    public init(from decoder: any Decoder) throws {
        // Defaults for absent keys; every present key is decoded strictly.
        let defaults = DealDaemonConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try Self.rejectUnknownKeys(in: decoder, known: CodingKeys.self, section: "")
        self.listen = try container.decodeIfPresent(String.self, forKey: .listen) ?? defaults.listen
        self.dataDir = try container.decodeIfPresent(String.self, forKey: .dataDir)
        self.tls = try container.decodeIfPresent(TLS.self, forKey: .tls) ?? defaults.tls
        self.auth = try container.decodeIfPresent(Auth.self, forKey: .auth) ?? defaults.auth
        self.store = try container.decodeIfPresent(Store.self, forKey: .store) ?? defaults.store
        self.limits = try container.decodeIfPresent(Limits.self, forKey: .limits) ?? defaults.limits
        self.postgres = try container.decodeIfPresent(Postgres.self, forKey: .postgres) ?? defaults.postgres
        self.logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? defaults.logLevel
        self.metricsListen =
            try container.decodeIfPresent(String.self, forKey: .metricsListen) ?? defaults.metricsListen
    }

    static func rejectUnknownKeys<Keys: CodingKey>(in decoder: any Decoder, known: Keys.Type, section: String) throws {
        let all = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        for key in all where Keys(stringValue: key) == nil {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "unknown setting \"\(section)\(key)\"; Deploy/dealsd.yaml lists every setting"
            )
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Reads a YAML configuration file.
    public static func load(path: String) throws(DealServerError) -> DealDaemonConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "cannot read the configuration file \(path): \(error.localizedDescription)",
                cause: error
            )
        }
        do {
            return try YAMLDecoder().decode(DealDaemonConfiguration.self, from: text)
        } catch let error as DealServerError {
            throw DealServerError(code: error.code, message: "\(path): \(error.message)")
        } catch {
            // Yams reports an error thrown by a decoding initializer (an unknown setting) as "not valid YAML";
            // the message worth showing is the one underneath.
            if case DecodingError.dataCorrupted(let context) = error,
                let underlying = context.underlyingError as? DealServerError
            {
                throw DealServerError(code: underlying.code, message: "\(path): \(underlying.message)")
            }
            throw DealServerError(
                code: .invalidConfiguration,
                message: "\(path) is not a valid dealsd configuration: \(Self.describe(error))",
                cause: error
            )
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path) must be a \(type)"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return "\(error)"
        }
    }

    /// Applies `DEALSD_*` environment variables: LISTEN, DATA_DIR, LOG_LEVEL, METRICS_LISTEN, FSYNC, POSTGRES, TOKENS_FILE,
    /// TLS_CERTIFICATE, TLS_PRIVATE_KEY, TLS_REQUIRE_ALPN (true or false; another value is reported by
    /// ``environmentProblems(_:)``).
    public mutating func apply(environment: [String: String]) {
        if let value = environment["DEALSD_LISTEN"] { self.listen = value }
        if let value = environment["DEALSD_DATA_DIR"] { self.dataDir = value }
        if let value = environment["DEALSD_LOG_LEVEL"] { self.logLevel = value }
        if let value = environment["DEALSD_METRICS_LISTEN"] { self.metricsListen = value }
        if let value = environment["DEALSD_FSYNC"] { self.store.fsync = value }
        if let value = environment["DEALSD_POSTGRES"] { self.postgres.conninfo = value }
        if let value = environment["DEALSD_TOKENS_FILE"] { self.auth.tokensFile = value }
        if let value = environment["DEALSD_TLS_CERTIFICATE"] { self.tls.certificate = value }
        if let value = environment["DEALSD_TLS_PRIVATE_KEY"] { self.tls.privateKey = value }
        if let value = environment["DEALSD_TLS_REQUIRE_ALPN"].flatMap(Self.parseBoolean) {
            self.tls.requireALPN = value
        }
    }

    /// Environment variables whose value cannot be used (a boolean that is not true or false), as messages.
    public static func environmentProblems(_ environment: [String: String]) -> [String] {
        guard let value = environment["DEALSD_TLS_REQUIRE_ALPN"], Self.parseBoolean(value) == nil else { return [] }
        return ["DEALSD_TLS_REQUIRE_ALPN is \"\(value)\"; use true or false"]
    }

    static func parseBoolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    /// Splits `HOST:PORT` (or `[V6]:PORT`).
    public static func parseAddress(
        _ text: String,
        setting: String
    ) throws(DealServerError) -> (host: String, port: Int) {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(after: close)...].dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = ""
            portText = ""
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "\(setting) \"\(text)\" is not HOST:PORT (e.g. 127.0.0.1:7443 or [::1]:7443)"
            )
        }
        return (String(host), port)
    }
}
