import ArgumentParser
import DealServer
import Foundation

@main
struct DealsdCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "dealsd",
        abstract: "The DealStore daemon: serves the deal store over TLS.",
        discussion: """
            With no configuration, dealsd keeps its data in $XDG_STATE_HOME/dealstore (or ~/.local/state/dealstore),
            creates a development CA and an admin token there on first start, loads the bundled dataset, and listens
            on 127.0.0.1:7443. Settings come from flags, then DEALSD_* environment variables, then the --config file.

            Examples:
              dealsd                                  # start with defaults
              dealsd --listen 0.0.0.0:7443 --config /etc/dealstore/dealsd.yaml
              dealsd check --data-dir /var/lib/dealstore
            """,
        version: Self.version,
        subcommands: [Serve.self, Check.self, Repair.self, Token.self],
        defaultSubcommand: Serve.self
    )
}

struct DaemonLocation: ParsableArguments {
    @Option(help: "YAML configuration file (or DEALSD_CONFIG).")
    var config: String?

    @Option(help: "Data directory: store, development CA, tokens (or DEALSD_DATA_DIR).")
    var dataDir: String?

    func resolve() throws -> DealDaemonConfiguration {
        try DealDaemonCommandLine(configFile: self.config, dataDir: self.dataDir)
            .resolve(environment: ProcessInfo.processInfo.environment)
    }
}

extension DealsdCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon (the default).",
            discussion: "Example: dealsd serve --listen 127.0.0.1:7443 --log-level debug"
        )

        @OptionGroup var location: DaemonLocation

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

        func run() async throws {
            // Keys, tokens, the store: nothing the daemon creates may be readable by other users.
            umask(0o077)
            let configuration = try DealDaemonCommandLine(
                configFile: self.location.config,
                dataDir: self.location.dataDir,
                listen: self.listen,
                logLevel: self.logLevel,
                metricsListen: self.metricsListen,
                fsync: self.fsync,
                postgres: self.postgres,
                requireALPN: self.requireAlpn
            ).resolve(environment: ProcessInfo.processInfo.environment)
            guard DealLogHandler.bootstrap(levelName: configuration.logLevel) else {
                throw ValidationError(
                    "log level \"\(configuration.logLevel)\" is not one of \(DealLogHandler.levelNames)"
                )
            }
            defer { DealLogOutput.standardError.flush() }
            do {
                try await DealDaemon.run(
                    configuration: configuration,
                    environment: ProcessInfo.processInfo.environment,
                    version: DealsdCommand.version
                ) { message in
                    FileHandle.standardOutput.write(Data((message + "\n").utf8))
                }
            } catch let error as DealServerError {
                // After the lines logged before the failure, not ahead of them.
                DealLogOutput.standardError.flush()
                FileHandle.standardError.write(Data("dealsd: \(error.message)\n".utf8))
                throw ExitCode(78)
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the store's snapshot and log without changing them.",
            discussion: "Example: dealsd check --data-dir /var/lib/dealstore   (exit 0 healthy, 1 problems found)"
        )

        @OptionGroup var location: DaemonLocation

        func run() async throws {
            let (report, isHealthy) = try DealDaemon.checkStore(
                configuration: try self.location.resolve(),
                environment: ProcessInfo.processInfo.environment
            )
            print(report)
            if !isHealthy {
                throw ExitCode(1)
            }
        }
    }

    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cut the log at its first damaged record so the daemon can start; keeps a backup.",
            discussion: "Example: dealsd repair --data-dir /var/lib/dealstore   (run dealsd check first)"
        )

        @OptionGroup var location: DaemonLocation

        func run() async throws {
            print(
                try DealDaemon.repairStore(
                    configuration: try self.location.resolve(),
                    environment: ProcessInfo.processInfo.environment
                )
            )
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage bearer tokens.",
            subcommands: [Create.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a token, store its hash, and print it once.",
                discussion: """
                    Example: dealsd token create --role read --name reporting
                    A running daemon picks the new token up on SIGHUP (systemctl reload dealsd).
                    """
            )

            @OptionGroup var location: DaemonLocation

            @Option(help: "read, write or admin.")
            var role: String

            @Option(help: "A label for people and logs.")
            var name: String

            func run() async throws {
                guard let role = DealRole(name: self.role), role != .none else {
                    throw ValidationError("--role must be read, write or admin")
                }
                let token = try DealDaemon.createToken(
                    role: role,
                    name: self.name,
                    configuration: try self.location.resolve(),
                    environment: ProcessInfo.processInfo.environment
                )
                print(token)
            }
        }
    }
}
