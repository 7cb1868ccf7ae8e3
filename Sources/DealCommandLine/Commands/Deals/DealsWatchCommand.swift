public import ArgumentParser
import DealClient
public import DealModel
import DealProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `deals watch`: prints changes as they happen until interrupted.
public struct DealsWatchCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print changes to deals as they happen, until interrupted.",
        discussion: """
            Examples:
              deals watch
              deals watch --from 120 --orgs
              deals watch -o jsonl | jq -c '.record.deal.id'

            --from REV first replays every change after revision REV, then follows live changes. Ctrl-C
            (SIGINT) stops watching with exit status 0. JSON output is one ChangeEvent per line.
            """
    )

    @Option(
        help: ArgumentHelp("Replay changes after this revision first (default: only new changes).", valueName: "rev")
    )
    var from: UInt64 = 0

    @Flag(help: "Include organization changes.")
    var orgs = false

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    /// One change as text in the chosen format (JSON formats print one event per line).
    public static func render(_ event: Dealstore_V1_ChangeEvent, as format: DealOutputFormat) throws -> String {
        switch format {
        case .table:
            return DealViews.changeLine(event).terminalSafe() + "\n"
        case .json, .jsonl:
            return try DealOutputDocument.json(event) + "\n"
        case .csv:
            var kind = ""
            var id = ""
            switch event.record.record {
            case .deal(let deal): (kind, id) = ("deal", deal.id)
            case .organization(let organization): (kind, id) = ("organization", organization.id)
            case nil: break
            }
            return DealOutputDocument.csvLine([
                "\(event.revision)", DealEnumNames.name(event.kind), kind, id, "\(event.timeMicros)",
            ])
        }
    }

    public func run(in context: DealCommandContext) async throws {
        // Ctrl-C is the normal way to stop watching, so it exits 0. Output is written with write(2) per event,
        // unbuffered, so nothing is lost by exiting from the handler; _exit is async-signal-safe.
        if context.handlesSignals {
            signal(SIGINT) { _ in _exit(0) }
        }
        var request = Dealstore_V1_WatchDealsRequest()
        request.fromRevision = self.from
        request.includeOrganizations = self.orgs
        if self.format.output == .csv {
            context.output.writeOut(DealOutputDocument.csvLine(["revision", "change", "record", "id", "time_micros"]))
        }
        do {
            try await context.withClient(self.connection) { client in
                for try await event in client.watchDeals(request) {
                    context.output.writeOut(try Self.render(event, as: self.format.output))
                }
            }
        } catch  where Task.isCancelled {
            // Cancelling the watching task (an embedding program's Ctrl-C) is the normal end of a watch.
            return
        }
    }
}
