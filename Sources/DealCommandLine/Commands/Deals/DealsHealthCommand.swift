public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals health`: the server's serving status; exits 5 when not serving.
public struct DealsHealthCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check whether the server is serving.",
        discussion: """
            Examples:
              deals health
              deals health --service dealstore.v1.Deals
              until deals health >/dev/null 2>&1; do sleep 1; done   # wait for dealsd

            Exit status 0 when SERVING, 5 when not serving or unreachable.
            """
    )

    @Option(help: "A service name, e.g. dealstore.v1.Deals (default: the whole server).")
    var service: String?

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_HealthCheckRequest()
        request.service = self.service ?? ""
        let response = try await context.withClient(self.connection) { client in
            try await client.healthCheck(request)
        }
        try context.emit(DealViews.health(response), as: self.format.output)
        if response.status != .serving {
            throw DealCommandFailure(
                "not serving" + (response.reason.isEmpty ? "" : ": \(response.reason)"),
                exitCode: .unavailable
            )
        }
    }
}
