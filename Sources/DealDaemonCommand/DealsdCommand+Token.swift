import ArgumentParser
import DealServer
import Foundation

extension DealsdCommand {
    /// `dealsd token`: the group of token subcommands.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage bearer tokens.",
            subcommands: [Create.self]
        )

        /// `dealsd token create`: appends a token's hash to the tokens file and prints the token once.
        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a token, store its hash, and print it once.",
                discussion: """
                    Example: dealsd token create --role read --name reporting
                    A running daemon picks the new token up on SIGHUP (systemctl reload dealsd).
                    """
            )

            @OptionGroup var location: DealDaemonLocation

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
