public import ArgumentParser

/// The root of the `dealsd` command line: declares the subcommands and their options, then hands the parsed values
/// to `DealDaemon` (serve, check, repair, token create).
///
/// It lives in a library of its own rather than in `DealServer` so that the server, its tests and the fuzzers do
/// not depend on ArgumentParser, and rather than in the executable so that its exit statuses are tested without a
/// process; the executable only calls ``runFromCommandLine()``. How flags, `DEALSD_*` variables and the file combine is
/// `DealDaemonCommandLine`'s job (in `DealServer`), not this one's.
public struct DealsdCommand: AsyncParsableCommand {
    /// The release of `dealsd`, printed by `--version` and in the start-up banner; kept equal to `deals`'.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
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

    public init() {}

    /// Runs `dealsd` with the process's arguments and exits: ArgumentParser's `main()`, which prints usage errors
    /// (status 64) and exits with the `ExitCode`s the subcommands throw (78 and 1, see
    /// ``startFailureExitCode`` and ``unhealthyStoreExitCode``).
    public static func runFromCommandLine() async {
        await Self.main()
    }
}
