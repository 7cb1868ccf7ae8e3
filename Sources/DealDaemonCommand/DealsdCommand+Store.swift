import ArgumentParser
import DealServer
import Foundation

extension DealsdCommand {
    /// `dealsd check`: verifies the snapshot and the log, exit 0 when healthy and 1 when not.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the store's snapshot and log without changing them.",
            discussion: "Example: dealsd check --data-dir /var/lib/dealstore   (exit 0 healthy, 1 problems found)"
        )

        @OptionGroup var location: DealDaemonLocation

        func run() async throws {
            let (report, isHealthy) = try DealDaemon.checkStore(
                configuration: try self.location.resolve(),
                environment: ProcessInfo.processInfo.environment
            )
            print(report)
            if !isHealthy {
                throw DealsdCommand.unhealthyStoreExitCode
            }
        }
    }

    /// `dealsd repair`: cuts the log at its first damaged record, keeping a backup.
    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cut the log at its first damaged record so the daemon can start; keeps a backup.",
            discussion: "Example: dealsd repair --data-dir /var/lib/dealstore   (run dealsd check first)"
        )

        @OptionGroup var location: DealDaemonLocation

        func run() async throws {
            print(
                try DealDaemon.repairStore(
                    configuration: try self.location.resolve(),
                    environment: ProcessInfo.processInfo.environment
                )
            )
        }
    }
}
