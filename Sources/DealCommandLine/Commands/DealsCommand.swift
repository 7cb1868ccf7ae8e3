public import ArgumentParser
import DealClient
import DealModel
import DealProtocol
import Foundation

/// The root of the `deals` command line: parses arguments, runs the subcommand, maps failures to exit statuses.
public struct DealsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deals",
        abstract: "Query and edit the DealStore investment deals database.",
        discussion: """
            Examples:
              deals list --investor Amazon --since 2023 --min 1B --sort -amount
              deals get amazon-anthropic-2023
              deals totals --by investor
              deals timeline Anthropic
              deals export > all.jsonl && deals import all.jsonl

            Connection options go before or after the subcommand. Each setting
            is taken from the first place that sets it:
              1. flags: --addr host:port, --token, --token-file, --ca, --cert,
                 --key
              2. environment: DEALS_ADDR (host:port), DEALS_TOKEN,
                 DEALS_TOKEN_FILE, DEALS_CA, DEALS_CERT, DEALS_KEY
              3. a profile: --profile NAME, else the file's "current", else one
                 named "default", from $XDG_CONFIG_HOME/deals/profile.json or
                 ~/.config/deals/profile.json, e.g.
                 {"current": "prod", "profiles": {"prod": {
                   "addr": "deals.example.com:7443", "ca": "~/prod-ca.pem",
                   "tokenFile": "~/.config/deals/prod.token"}}}
                 (keys: addr, token, tokenFile, ca, cert, key; all optional)
              4. the local dealsd: 127.0.0.1:7443 and, for loopback addresses,
                 the ca.pem and admin.token dealsd writes to its data directory
                 ($DEALSD_DATA_DIR, else $XDG_STATE_HOME/dealstore, else
                 ~/.local/state/dealstore). So right after `dealsd` starts on
                 this machine, `deals list` just works.
            The token comes from the first of these that sets a token or a
            token file (an inline token wins within one); tokens are trimmed.

            Amounts: 1.25B, $4bn, 300M, 2.75 billion, 4 000 000, €2.5M, 1.5B CHF,
            "1,25 Md$", "10 milliards", "2 milliards de dollars" (default USD).
            Dates: 2019, 2023-09, Sep 2023, Q3-2023, 2023-Q3, 27 Oct 2023.

            Exit status:
              0  ok
              1  other failure
              2  usage error or invalid input (flag, amount, date, JSON line)
              3  not found
              4  permission denied or unauthenticated (missing or bad token)
              5  server unreachable or unavailable (is dealsd running?)
              6  conflict: stale --if-match etag, already exists, still referenced
            """,
        version: "deals \(DealsCommand.version) (protocol dealstore/\(DealProtocolVersion.current))",
        subcommands: [
            DealsListCommand.self, DealsGetCommand.self, DealsAddCommand.self, DealsUpdateCommand.self,
            DealsDeleteCommand.self, DealsOrgsCommand.self, DealsTotalsCommand.self, DealsTimelineCommand.self,
            DealsCoinvestorsCommand.self, DealsTopCommand.self, DealsConflictsCommand.self, DealsSourcesCommand.self,
            DealsImportCommand.self, DealsDuplicatesCommand.self, DealsFXCommand.self,
            DealsExportCommand.self, DealsWatchCommand.self, DealsHealthCommand.self, DealsServerInfoCommand.self,
            DealsCompletionCommand.self,
        ]
    )

    /// The release of `deals`, kept equal to `dealsd`'s.
    public static let version = "0.1.0"

    public init() {}

    /// Runs `deals` with the process's arguments and exits with the documented status.
    ///
    /// Use this rather than ArgumentParser's `main()`, whose exit statuses are not the documented ones.
    public static func runFromCommandLine() async -> Never {
        let status = await Self.run(arguments: Array(CommandLine.arguments.dropFirst()), context: .standard())
        // `exit` runs the libraries' static destructors (ICU's among them) while the runtime's worker threads may
        // still be finishing a task (a connection's last callbacks): seen once as a SIGSEGV in ICU's _fini after
        // the command's whole output was written. The output is complete here, so flush it and leave at once.
        fflush(nil)  // every output stream
        _exit(status)
    }

    /// Parses `arguments`, runs the command in `context` and returns the exit status; never exits the process.
    public static func run(arguments: [String], context: DealCommandContext) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try Self.parseAsRoot(Self.hoistingGlobalOptions(arguments))
        } catch {
            return Self.report(error, context: context)
        }
        do {
            if let runnable = command as? any DealCommandRunnable {
                try await runnable.run(in: context)
            } else if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var command = command
                try command.run()
            }
            return DealExitCode.success.rawValue
        } catch {
            return Self.report(error, context: context)
        }
    }

    /// Moves connection and output options given before the subcommand after it, where the subcommand parses them.
    ///
    /// `deals --addr h:1 --token t list` becomes `deals list --addr h:1 --token t`, so the spelling people copy from
    /// etcdctl-style tools (and from dealsd's start-up banner) works as well as options after the subcommand.
    public static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        let valued: Set<String> = [
            "--addr", "--token", "--token-file", "--ca", "--cert", "--key", "--profile", "--output", "-o",
        ]
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard valued.contains(name) else { break }
            leading.append(argument)
            if !argument.contains("=") && index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 2
            } else {
                index += 1
            }
        }
        guard !leading.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        if let terminator = rest.firstIndex(of: "--") {
            rest.insert(contentsOf: leading, at: terminator)
        } else {
            rest += leading
        }
        return rest
    }

    /// ArgumentParser's multi-line usage error as one line: the message and which `--help` to read.
    static func oneLineUsageError(_ error: any Error, fullMessage: String) -> String {
        var text = Self.message(for: error).trimmingSpaces()
        if text.hasPrefix("Error: ") {
            text.removeFirst("Error: ".count)
        }
        text = text.split(separator: "\n").first.map(String.init) ?? text
        // The full message ends "See 'deals list --help' for more information."; keep the command it names.
        if let seeLine = fullMessage.split(separator: "\n").last(where: { $0.contains("See '") }),
            let start = seeLine.range(of: "See '")?.upperBound,
            let end = seeLine[start...].firstIndex(of: "'")
        {
            text += " (see `\(seeLine[start..<end])`)"
        }
        return text
    }

    /// Prints `error` as one line (or ArgumentParser's help/usage text) and returns its exit status.
    static func report(_ error: any Error, context: DealCommandContext) -> Int32 {
        let failure: DealCommandFailure
        switch error {
        case let commandFailure as DealCommandFailure:
            failure = commandFailure
        case let error as DealInputError:
            failure = DealCommandFailure(error.message, exitCode: .usage)
        case let error as DealClientConfigurationError:
            failure = DealCommandFailure(error.message, exitCode: .usage)
        case let error as DealMoneyParseError:
            failure = DealCommandFailure(error.description, exitCode: .usage)
        case let error as DealRPCError:
            failure = DealCommandFailure(
                "\(error.code.name.lowercased()): \(error.message)",
                exitCode: DealExitCode.forStatus(error.code)
            )
        default:
            // ArgumentParser's own errors: help and version requests succeed, everything else is usage.
            let exitCode = Self.exitCode(for: error)
            let message = Self.fullMessage(for: error)
            if exitCode == .success {
                context.output.writeOut(message.hasSuffix("\n") ? message : message + "\n")
                return DealExitCode.success.rawValue
            }
            if error is ExitCode {
                return exitCode.rawValue
            }
            if exitCode == .validationFailure || error is ValidationError {
                context.output.errorLine("deals: " + Self.oneLineUsageError(error, fullMessage: message))
                return DealExitCode.usage.rawValue
            }
            var text = message.isEmpty ? "\(error)" : message
            if text.hasPrefix("Error: ") {
                text.removeFirst("Error: ".count)
            }
            failure = DealCommandFailure(text, exitCode: .failure)
        }
        // A server's message may quote stored text: printed terminal-safe.
        context.output.errorLine("deals: " + failure.message.terminalSafe(keepingNewlines: true))
        return failure.exitCode.rawValue
    }
}
