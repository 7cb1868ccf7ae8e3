public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals import <file>`: streams JSON Lines records to the server in one call.
public struct DealsImportCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import organizations and deals from a JSON Lines file.",
        discussion: """
            Examples:
              deals import deals.jsonl
              deals export | deals --addr other:7443 import -     # copy between servers
              deals import fixes.jsonl --on-conflict replace
              deals import deals.jsonl --check                      # only check the lines locally

            Each line is a DealRecord in the protobuf JSON mapping,
            {"organization": {...}} or {"deal": {...}}, organizations before the
            deals that refer to them (the format `deals export` writes).
            Unreadable lines are reported with their line number and not sent.
            Existing ids are skipped unless --on-conflict replace. Prints the
            created, updated, skipped and rejected counts; exit status 2 when
            any line was unreadable or rejected.
            """
    )

    /// What happens to records whose id exists.
    public enum ConflictPolicy: String, CaseIterable, ExpressibleByArgument, Sendable {
        case skip, replace
    }

    @Argument(help: "The JSON Lines file; - reads stdin.")
    var file: String

    @Option(name: .customLong("on-conflict"), help: "skip (default) or replace records whose id exists.")
    var onConflict: ConflictPolicy = .skip

    @Flag(help: "Only read and check the lines; send nothing.")
    var check = false

    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        let batch = DealImportBatch(jsonLines: try context.readText(self.file))
        if self.check {
            for bad in batch.badLines {
                context.output.errorLine("line \(bad.line): \(bad.reason)".terminalSafe())
            }
            context.output.line("\(batch.records.count) readable records, \(batch.badLines.count) unreadable lines")
            if !batch.badLines.isEmpty {
                throw DealCommandFailure("\(batch.badLines.count) unreadable lines in \(self.file)", exitCode: .usage)
            }
            return
        }
        let progress: DealProgressBar? =
            context.output.errorIsTerminal
            ? DealProgressBar(total: batch.records.count, label: "importing", write: context.output.writeError)
            : nil
        let records = DealImportRecords(batch.records) { sent in progress?.update(sent) }
        let policy: Dealstore_V1_ImportConflictPolicy = self.onConflict == .replace ? .replace : .skip
        let response = try await context.withClient(self.connection) { client in
            try await client.importDeals(records, onConflict: policy)
        }
        progress?.finish()
        let summary = batch.summary(of: response)
        // Rejection reasons quote the records (ids, names): terminal-safe like every table.
        for line in summary.dropLast() {
            context.output.errorLine(line.terminalSafe())
        }
        context.output.line(summary.last ?? "")
        let problems = batch.badLines.count + response.rejected.count
        if problems > 0 {
            throw DealCommandFailure("\(problems) records not imported (see above)", exitCode: .usage)
        }
    }
}
