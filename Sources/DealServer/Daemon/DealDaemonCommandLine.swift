/// What `dealsd`'s command line says, before the configuration file or the environment is read: a `nil` leaves the
/// setting to the `DEALSD_*` environment, then to the file, then to the default.
///
/// `dealsd` only declares its arguments and hands them here, so how flags, environment and file combine is tested
/// without starting a process.
public struct DealDaemonCommandLine: Sendable, Equatable {
    /// `--config`: the YAML configuration file.
    public var configFile: String?
    /// `--data-dir`.
    public var dataDir: String?
    /// `--listen` (serve only).
    public var listen: String?
    /// `--log-level` (serve only).
    public var logLevel: String?
    /// `--metrics-listen` (serve only).
    public var metricsListen: String?
    /// `--fsync` (serve only).
    public var fsync: String?
    /// `--postgres` (serve only).
    public var postgres: String?
    /// `--require-alpn` / `--no-require-alpn` (serve only).
    public var requireALPN: Bool?

    /// Options as parsed; every one defaults to "not given".
    public init(
        configFile: String? = nil,
        dataDir: String? = nil,
        listen: String? = nil,
        logLevel: String? = nil,
        metricsListen: String? = nil,
        fsync: String? = nil,
        postgres: String? = nil,
        requireALPN: Bool? = nil
    ) {
        self.configFile = configFile
        self.dataDir = dataDir
        self.listen = listen
        self.logLevel = logLevel
        self.metricsListen = metricsListen
        self.fsync = fsync
        self.postgres = postgres
        self.requireALPN = requireALPN
    }

    /// The configuration these options select: the file (`--config`, else `DEALSD_CONFIG`, else none), then the
    /// `DEALSD_*` variables of `environment` over it, then the flags given over both.
    public func resolve(environment: [String: String]) throws(DealServerError) -> DealDaemonConfiguration {
        var configuration = DealDaemonConfiguration()
        if let path = self.configFile ?? environment["DEALSD_CONFIG"] {
            configuration = try DealDaemonConfiguration.load(path: path)
        }
        configuration.apply(environment: environment)
        if let dataDir = self.dataDir { configuration.dataDir = dataDir }
        if let listen = self.listen { configuration.listen = listen }
        if let logLevel = self.logLevel { configuration.logLevel = logLevel }
        if let metricsListen = self.metricsListen { configuration.metricsListen = metricsListen }
        if let fsync = self.fsync { configuration.store.fsync = fsync }
        if let postgres = self.postgres { configuration.postgres.conninfo = postgres }
        if let requireALPN = self.requireALPN { configuration.tls.requireALPN = requireALPN }
        return configuration
    }
}
