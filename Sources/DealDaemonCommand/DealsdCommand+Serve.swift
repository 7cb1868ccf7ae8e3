import ArgumentParser
import DealServer
import Foundation

extension DealsdCommand {
    /// `dealsd serve` (the default subcommand): runs the daemon until SIGTERM or SIGINT.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon (the default).",
            discussion: "Example: dealsd serve --listen 127.0.0.1:7443 --log-level debug"
        )

        @OptionGroup var location: DealDaemonLocation

        @Option(help: "HOST:PORT to listen on (default 127.0.0.1:7443).")
        var listen: String?

        @Option(help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: String?

        @Option(help: "HOST:PORT for Prometheus metrics (GET /metrics); off by default.")
        var metricsListen: String?

        @Option(help: "always, batch or none: when a write is acknowledged.")
        var fsync: String?

        @Option(
            help: ArgumentHelp(
                "Run as a node of a cluster kept in PostgreSQL (or DEALSD_POSTGRES, postgres.conninfo).",
                discussion: "A libpq connection string or URI, for example 'host=db1,db2 dbname=dealstore "
                    + "target_session_attrs=read-write sslmode=verify-full'. See Deploy/cluster.md.",
                valueName: "conninfo"
            )
        )
        var postgres: String?

        @Flag(
            inversion: .prefixedNo,
            help: "Refuse TLS clients that offer no ALPN (tls.require_alpn, DEALSD_TLS_REQUIRE_ALPN; off by default)."
        )
        var requireAlpn: Bool?

        /// What the flags given say, before the environment and the file are read.
        var commandLine: DealDaemonCommandLine {
            DealDaemonCommandLine(
                configFile: self.location.config,
                dataDir: self.location.dataDir,
                listen: self.listen,
                logLevel: self.logLevel,
                metricsListen: self.metricsListen,
                fsync: self.fsync,
                postgres: self.postgres,
                requireALPN: self.requireAlpn
            )
        }

        func run() async throws {
            // Keys, tokens, the store: nothing the daemon creates may be readable by other users.
            umask(0o077)
            let configuration = try self.commandLine.resolve(environment: ProcessInfo.processInfo.environment)
            guard DealLogHandler.bootstrap(levelName: configuration.logLevel) else {
                throw ValidationError(
                    "log level \"\(configuration.logLevel)\" is not one of \(DealLogHandler.levelNames)"
                )
            }
            defer { DealLogOutput.standardError.flush() }
            try await DealsdCommand.exitingOnStartFailure(
                {
                    try await DealDaemon.run(
                        configuration: configuration,
                        environment: ProcessInfo.processInfo.environment,
                        version: DealsdCommand.version
                    ) { message in
                        FileHandle.standardOutput.write(Data((message + "\n").utf8))
                    }
                },
                report: { line in
                    // After the lines logged before the failure, not ahead of them.
                    DealLogOutput.standardError.flush()
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
            )
        }
    }
}
