public import DealClient
import DealProtocol
public import Foundation

/// What a command runs with: where it writes, the environment it reads, and how it reads files and stdin.
///
/// ``DealCommandContext/standard()`` is the real process; tests build one with a ``DealCapturedOutput`` and an
/// environment dictionary pointing at a temporary directory.
public struct DealCommandContext: Sendable {
    /// Where results and diagnostics go.
    public var output: DealOutput
    /// The environment variables (connection settings, HOME, data directory).
    public var environment: [String: String]
    /// Reads all of standard input (for `-` file arguments).
    public var readStandardInput: @Sendable () -> Data
    /// True when commands may install process-wide signal handlers (`deals watch` exits 0 on SIGINT); false in
    /// tests, which stop a watch by cancelling its task instead.
    public var handlesSignals: Bool

    /// Creates a context.
    public init(
        output: DealOutput,
        environment: [String: String],
        readStandardInput: @escaping @Sendable () -> Data = { Data() },
        handlesSignals: Bool = false
    ) {
        self.output = output
        self.environment = environment
        self.readStandardInput = readStandardInput
        self.handlesSignals = handlesSignals
    }

    /// The process's own stdout, stderr, stdin and environment.
    public static func standard() -> DealCommandContext {
        DealCommandContext(
            output: .standard,
            environment: ProcessInfo.processInfo.environment,
            readStandardInput: { FileHandle.standardInput.readDataToEndOfFile() },
            handlesSignals: true
        )
    }

    /// Reads a file argument as text; `-` reads standard input.
    public func readText(_ path: String) throws(DealInputError) -> String {
        let data: Data
        if path == "-" {
            data = self.readStandardInput()
        } else {
            guard FileManager.default.fileExists(atPath: path) else {
                throw DealInputError("cannot read \(path): no such file")
            }
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw DealInputError("cannot read \(path): \(error.localizedDescription)")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DealInputError("\(path) is not UTF-8 text")
        }
        return text
    }

    /// Writes a rendered document to stdout.
    public func emit(_ document: DealOutputDocument, as format: DealOutputFormat) throws {
        self.output.writeOut(try document.render(as: format, width: self.output.terminalWidth))
    }

    /// Resolves the connection and runs `body` with a connected client, turning call failures into one-line
    /// ``DealCommandFailure``s that name the address, CA file or token source involved.
    public func withClient<Result: Sendable>(
        _ options: DealConnectionOptions,
        _ body: (DealClient) async throws -> Result
    ) async throws -> Result {
        let connection = try DealConnectionResolver(environment: self.environment, explicitName: { $0.flag })
            .resolve(explicit: options.settings, profileName: options.profile)
        var configuration = connection.clientConfiguration
        configuration.agent = "deals/\(configuration.agent)"
        // A command line should fail fast when dealsd is not running rather than retry for the library's 15 s;
        // two seconds of retries still ride over a daemon restart.
        configuration.connectTimeout = .seconds(5)
        configuration.firstConnectionTimeout = .seconds(2)
        configuration.waitForConnectionTimeout = .seconds(2)
        // Every call then sends at least this min-revision (and any higher revision an answer carries).
        if let revision = options.minimumRevision {
            configuration.revisionTracker = DealRevisionTracker(revision: revision)
        }
        do {
            return try await withDealClient(configuration: configuration) { client in
                try await body(client)
            }
        } catch let error as DealRPCError {
            throw DealErrorDescriber.failure(for: error, connection: connection)
        }
    }
}
