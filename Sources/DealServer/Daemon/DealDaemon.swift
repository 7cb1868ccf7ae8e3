import DealCluster
import DealProtocol
import DealStore
import DealTLS
import Foundation
public import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `dealsd` as a library: resolves the configuration, prepares the data directory on first start, and runs the
/// store, the server, the SIGHUP reloader and the metrics endpoint as one service group.
public enum DealDaemon {
    /// What the daemon resolved from its configuration, for the first-start message and for tests.
    public struct Layout: Sendable, Equatable {
        public var dataDirectory: String
        public var storeDirectory: String
        public var certificateFile: String
        public var privateKeyFile: String
        /// The development CA, when the daemon made its own certificates.
        public var caFile: String?
        public var tokensFile: String
        public var adminTokenFile: String
    }

    /// The data directory the configuration and environment select.
    public static func dataDirectory(
        configuration: DealDaemonConfiguration,
        environment: [String: String]
    ) -> String {
        configuration.dataDir ?? DealLocalDefaults.dataDirectory(environment: environment)
    }

    /// Creates what a first start needs: the data directory (0700), a development CA and server certificate when no
    /// certificate is configured, and the tokens file with one admin token whose clear text goes to `admin.token`.
    ///
    /// Returns the layout and, on the start that created the admin token, the token itself.
    public static func prepare(
        configuration: DealDaemonConfiguration,
        environment: [String: String]
    ) throws -> (layout: Layout, newAdminToken: String?) {
        let dataDirectory = Self.dataDirectory(configuration: configuration, environment: environment)
        try Self.createPrivateDirectory(dataDirectory)
        var layout = Layout(
            dataDirectory: dataDirectory,
            storeDirectory: dataDirectory + "/store",
            certificateFile: configuration.tls.certificate,
            privateKeyFile: configuration.tls.privateKey,
            caFile: nil,
            tokensFile: configuration.auth.tokensFile.isEmpty
                ? dataDirectory + "/tokens" : configuration.auth.tokensFile,
            adminTokenFile: dataDirectory + "/" + DealLocalDefaults.adminTokenFileName
        )
        if configuration.tls.certificate.isEmpty {
            let ca = dataDirectory + "/" + DealLocalDefaults.caFileName
            if !FileManager.default.fileExists(atPath: ca) {
                try DealDevelopmentCA.create(in: dataDirectory)
            }
            layout.caFile = ca
            layout.certificateFile = dataDirectory + "/server.pem"
            layout.privateKeyFile = dataDirectory + "/server-key.pem"
        } else if configuration.tls.privateKey.isEmpty {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "tls.certificate is set but tls.private_key is not; set both, or neither to use the "
                    + "development CA"
            )
        }
        var newToken: String?
        if !FileManager.default.fileExists(atPath: layout.tokensFile) {
            let token = DealTokensFile.generateToken()
            let tokens =
                "# dealsd tokens: sha256:<hash> <role> <name>. Add one with: dealsd token create\n"
                + DealTokensFile.line(for: token, role: .admin, name: "admin (created on first start)") + "\n"
            try Self.writePrivateFile(layout.tokensFile, contents: tokens)
            try Self.writePrivateFile(layout.adminTokenFile, contents: token + "\n")
            newToken = token
        }
        return (layout, newToken)
    }

    /// Runs the daemon until SIGTERM or SIGINT, then drains connections, snapshots the store and returns.
    public static func run(
        configuration: DealDaemonConfiguration,
        environment: [String: String],
        version: String,
        logger: Logger,
        announce: @Sendable (String) -> Void
    ) async throws {
        let (listenHost, listenPort) = try DealDaemonConfiguration.parseAddress(
            configuration.listen,
            setting: "listen"
        )
        let (layout, newToken) = try Self.prepare(configuration: configuration, environment: environment)
        var tls = DealTLSConfiguration.server(
            certificateChainFile: layout.certificateFile,
            privateKeyFile: layout.privateKeyFile
        )
        if let problem = DealDaemonConfiguration.environmentProblems(environment).first {
            throw DealServerError(code: .invalidConfiguration, message: problem)
        }
        tls.handshakeTimeout = .nanoseconds(Int64(configuration.tls.handshakeTimeoutSeconds * 1e9))
        tls.requiresALPN = configuration.tls.requireALPN
        switch configuration.tls.minimumVersion {
        case "1.3": tls.minimumVersion = .tls13
        case "1.2": tls.minimumVersion = .tls12
        default:
            throw DealServerError(
                code: .invalidConfiguration,
                message: "tls.minimum_version must be \"1.2\" or \"1.3\", not \"\(configuration.tls.minimumVersion)\""
            )
        }
        switch configuration.tls.clientCertificates {
        case "none": tls.clientCertificatePolicy = .none
        case "optional": tls.clientCertificatePolicy = .optional
        case "required": tls.clientCertificatePolicy = .required
        default:
            throw DealServerError(
                code: .invalidConfiguration,
                message: "tls.client_certificates must be none, optional or required"
            )
        }
        if !configuration.tls.clientCA.isEmpty {
            tls.clientTrustRootsFile = configuration.tls.clientCA
        } else if tls.clientCertificatePolicy != .none {
            tls.clientTrustRootsFile = layout.caFile
        }

        var serverConfiguration = DealServer.Configuration(host: listenHost, port: listenPort, tls: tls)
        serverConfiguration.serverVersion = version
        serverConfiguration.tokensFile = layout.tokensFile
        serverConfiguration.anonymousMethods = Set(configuration.auth.anonymousMethods)
        serverConfiguration.maximumConnections = configuration.limits.maxConnections
        guard configuration.limits.maxConnectionsPerAddress > 0 else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.max_connections_per_address must be above 0"
            )
        }
        serverConfiguration.maximumConnectionsPerAddress = configuration.limits.maxConnectionsPerAddress
        serverConfiguration.maximumImportRecords = configuration.limits.maxImportRecords
        guard configuration.limits.maxImportBytes > 0 else {
            throw DealServerError(code: .invalidConfiguration, message: "limits.max_import_bytes must be positive")
        }
        serverConfiguration.maximumImportBytes = configuration.limits.maxImportBytes
        serverConfiguration.limits = try Self.limits(configuration.limits)
        for (name, role) in configuration.auth.certificateRoles {
            guard let parsed = DealRole(name: role) else {
                throw DealServerError(
                    code: .invalidConfiguration,
                    message: "auth.certificate_roles[\"\(name)\"] is \"\(role)\"; use read, write or admin"
                )
            }
            serverConfiguration.certificateRoles[name] = parsed
        }

        let metrics: DealMetricsServer?
        if configuration.metricsListen.isEmpty {
            metrics = nil
        } else {
            let (host, port) = try DealDaemonConfiguration.parseAddress(
                configuration.metricsListen,
                setting: "metrics_listen"
            )
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            metrics = DealMetricsServer(host: host, port: port, registry: registry, logger: logger)
        }

        // A write past the file size limit (RLIMIT_FSIZE, set by a service manager or a quota) would kill the
        // daemon with SIGXFSZ; ignored, the write fails with EFBIG instead and the store cuts the failed batch off
        // its log and turns read-only, serving reads, like on a full disk.
        signal(SIGXFSZ, SIG_IGN)
        let store: DealStore
        let storeService: any Service
        if configuration.postgres.conninfo.isEmpty {
            store = try await DealStore.open(
                directory: layout.storeDirectory,
                options: try Self.storeOptions(configuration.store),
                logger: logger
            )
            storeService = DealStoreLifecycleService(store: store, logger: logger)
        } else {
            let node = try await Self.openClusterNode(configuration, logger: logger)
            store = node.store
            storeService = DealClusterLifecycleService(node: node, logger: logger)
        }
        let server = try DealServer(configuration: serverConfiguration, store: store, logger: logger)
        var services: [any Service] = [storeService, server, DealReloadService(server: server, logger: logger)]
        if let metrics {
            services.append(metrics)
            services.append(DealStoreMetricsSampler(store: store))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask {
                try await group.run()
            }
            if let address = await server.boundAddress {
                announce(
                    Self.welcome(
                        layout: layout,
                        address: address,
                        newAdminToken: newToken,
                        environment: environment
                    )
                )
            }
        }
    }

    static func limits(_ limits: DealDaemonConfiguration.Limits) throws(DealServerError) -> DealConnectionLimits {
        // A request message is at most one frame, and the store must be able to log any record a request can
        // carry: a larger frame would let a client store a record that recovery refuses, so the store would not
        // start again.
        let largestFrame = min(DealFrame.absoluteMaximumPayloadSize, DealRecordLimit.maximumMessageSize)
        guard limits.maxFrameSize >= 16 * 1024, limits.maxFrameSize <= largestFrame else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.max_frame_size is \(limits.maxFrameSize); it must be between 16384 and "
                    + "\(largestFrame) (the store's maximum record size of \(DealRecordLimit.maximumRecordSize) "
                    + "bytes less \(DealRecordLimit.recordOverhead) for the record's meta), so that every "
                    + "acknowledged record can be read back at the next start"
            )
        }
        guard limits.initialWindowSize >= limits.maxFrameSize, limits.initialWindowSize < Int(Int32.max) else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.initial_window_size must be at least limits.max_frame_size (so any message fits) "
                    + "and below 2^31"
            )
        }
        guard limits.maxConcurrentStreams > 0, limits.maxConnections > 0 else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.max_connections, max_concurrent_streams and initial_window_size must be positive"
            )
        }
        var result = DealConnectionLimits()
        result.maximumFrameSize = limits.maxFrameSize
        result.maximumConcurrentStreams = limits.maxConcurrentStreams
        result.initialWindowSize = limits.initialWindowSize
        result.idleTimeout = limits.idleTimeoutSeconds > 0 ? .seconds(limits.idleTimeoutSeconds) : nil
        result.minimumPingInterval = .seconds(limits.minPingIntervalSeconds)
        result.maximumPingStrikes = limits.maxPingStrikes
        result.maximumOutputBuffer = limits.maxOutputBufferMegabytes << 20
        result.drainGracePeriod = .seconds(limits.drainGraceSeconds)
        try Self.applyMemoryLimits(limits, to: &result)
        return result
    }

    /// The memory budget and the timers that bound what a peer can hold (PROTOCOL.md section 12).
    static func applyMemoryLimits(
        _ limits: DealDaemonConfiguration.Limits,
        to result: inout DealConnectionLimits
    ) throws(DealServerError) {
        let megabytes: [(String, Int)] = [
            ("max_request_buffer_mb", limits.maxRequestBufferMegabytes),
            ("max_server_request_buffer_mb", limits.maxServerRequestBufferMegabytes),
            ("max_server_output_buffer_mb", limits.maxServerOutputBufferMegabytes),
        ]
        for (name, value) in megabytes where !(1...(1 << 20)).contains(value) {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.\(name) must be between 1 and 1048576 (MiB), not \(value)"
            )
        }
        for (name, value) in [
            ("max_incomplete_streams", limits.maxIncompleteStreams),
            ("max_server_incomplete_streams", limits.maxServerIncompleteStreams),
        ] where value < 1 {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.\(name) must be at least 1, not \(value)"
            )
        }
        let seconds: [(String, Double)] = [
            ("hello_timeout_seconds", limits.helloTimeoutSeconds),
            ("request_body_timeout_seconds", limits.requestBodyTimeoutSeconds),
        ]
        for (name, value) in seconds where !(value.isFinite && value >= 0 && value <= 86_400) {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.\(name) must be between 0 and 86400 seconds, not \(value)"
            )
        }
        guard limits.helloTimeoutSeconds > 0 else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.hello_timeout_seconds must be above 0: a client that never sends HELLO must end"
            )
        }
        result.helloTimeout = .seconds(limits.helloTimeoutSeconds)
        result.requestBodyTimeout =
            limits.requestBodyTimeoutSeconds > 0 ? .seconds(limits.requestBodyTimeoutSeconds) : nil
        result.maximumRequestBytes = limits.maxRequestBufferMegabytes << 20
        result.maximumIncompleteStreams = limits.maxIncompleteStreams
        result.maximumServerRequestBytes = limits.maxServerRequestBufferMegabytes << 20
        result.maximumServerOutputBytes = limits.maxServerOutputBufferMegabytes << 20
        result.maximumServerIncompleteStreams = limits.maxServerIncompleteStreams
        guard limits.maxRequestFields > 0, limits.maxHeadersBytes >= 1024 else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "limits.max_request_fields must be above 0 and limits.max_headers_bytes at least 1024 "
                    + "(a call's method and token need a few hundred bytes)"
            )
        }
        result.maximumRequestFields = limits.maxRequestFields
        result.maximumHeadersBytes = limits.maxHeadersBytes
    }

    static func storeOptions(_ store: DealDaemonConfiguration.Store) throws(DealServerError) -> DealStoreOptions {
        var options = DealStoreOptions()
        switch store.fsync {
        case "always": options.fsyncPolicy = .always
        case "batch": options.fsyncPolicy = .batch(interval: Double(store.fsyncIntervalMilliseconds) / 1000)
        case "none": options.fsyncPolicy = .none
        default:
            throw DealServerError(
                code: .invalidConfiguration,
                message: "store.fsync must be always, batch or none, not \"\(store.fsync)\""
            )
        }
        options.segmentSize = store.segmentSizeMegabytes << 20
        options.snapshotEvery = store.snapshotEveryRecords
        options.seedIfEmpty = store.seedIfEmpty
        guard store.changeHistoryLimit > 0 else {
            throw DealServerError(code: .invalidConfiguration, message: "store.change_history_limit must be positive")
        }
        options.changeHistoryLimit = store.changeHistoryLimit
        guard store.historyRetentionRevisions >= 0, store.historyRetentionHours >= 0,
            store.historyRetentionHours.isFinite, store.historyRetentionHours <= 1_000_000
        else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "store.history_retention_revisions must be 0 (no count limit) or more, and "
                    + "store.history_retention_hours 0 (no age limit) up to 1000000"
            )
        }
        options.historyRetention = DealHistoryRetention(
            revisions: store.historyRetentionRevisions == 0 ? nil : UInt64(store.historyRetentionRevisions),
            age: store.historyRetentionHours == 0 ? nil : .seconds(store.historyRetentionHours * 3600)
        )
        return options
    }

    static func welcome(
        layout: Layout,
        address: SocketAddress,
        newAdminToken: String?,
        environment: [String: String]
    ) -> String {
        let host = address.ipAddress ?? "127.0.0.1"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let port = address.port ?? DealLocalDefaults.port
        var lines = ["dealsd is serving on \(shownHost):\(port) (TLS, protocol dealstore/1)"]
        guard newAdminToken != nil else {
            return lines[0]
        }
        if let ca = layout.caFile {
            lines.append("  development CA certificate: \(ca)")
        }
        lines.append("  admin token (shown once; stored in \(layout.adminTokenFile), mode 0600)")
        var command = "deals --addr \(shownHost):\(port)"
        if let ca = layout.caFile {
            command += " --ca \(ca)"
        }
        command += " --token \"$(cat \(layout.adminTokenFile))\" list"
        lines.append("  connect with:  \(command)")
        let defaultDirectory = DealLocalDefaults.dataDirectory(environment: environment)
        if layout.dataDirectory == defaultDirectory && port == DealLocalDefaults.port {
            lines.append("  or simply:     deals list")
        }
        return lines.joined(separator: "\n")
    }

    static func createPrivateDirectory(_ path: String) throws(DealServerError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "cannot create the data directory \(path): \(error.localizedDescription); "
                    + "choose another with --data-dir",
                cause: error
            )
        }
    }

    /// Creates a file readable by its owner only; it never exists with wider permissions, even briefly.
    static func writePrivateFile(_ path: String, contents: String) throws(DealServerError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "cannot create \(path): \(String(cString: strerror(errno)))"
            )
        }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw DealServerError(
                code: .invalidConfiguration,
                message: "cannot write \(path): \(String(cString: strerror(errno)))"
            )
        }
    }
}
