import ArgumentParser
import DealServer
import Foundation

/// The options every `dealsd` subcommand takes: where the configuration file and the data directory are.
struct DealDaemonLocation: ParsableArguments {
    @Option(help: "YAML configuration file (or DEALSD_CONFIG).")
    var config: String?

    @Option(help: "Data directory: store, development CA, tokens (or DEALSD_DATA_DIR).")
    var dataDir: String?

    /// The configuration these two options select, over the process's `DEALSD_*` environment.
    func resolve() throws -> DealDaemonConfiguration {
        try DealDaemonCommandLine(configFile: self.config, dataDir: self.dataDir)
            .resolve(environment: ProcessInfo.processInfo.environment)
    }
}
