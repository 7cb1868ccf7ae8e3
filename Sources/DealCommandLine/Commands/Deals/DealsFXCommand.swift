public import ArgumentParser
import DealClient
import DealModel
import DealProtocol
import Foundation

/// `deals fx`: the FX table the server normalises amounts with (issue 18 part 1).
public struct DealsFXCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fx",
        abstract: "Show or replace the server's FX table.",
        discussion: """
            Examples:
              deals fx show                      # which table is in use, its dates and currencies
              deals fx import eurofxref-hist.csv --source https://www.ecb.europa.eu/stats/eurofxref/ \\
                --retrieved 2026-12-01
              deals fx import rates.csv --source "Treasury desk" --check
            """,
        subcommands: [DealsFXShowCommand.self, DealsFXImportCommand.self]
    )

    public init() {}
}

/// `deals fx show`: GetFXTable.
public struct DealsFXShowCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the FX table in use: where its rates come from, its dates and currencies.",
        discussion: """
            Examples:
              deals fx show
              deals fx show -o json
            """
    )

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        let info = try await context.withClient(self.connection) { client in try await client.getFXTable() }
        try context.emit(DealViews.fxTable(info), as: self.format.output)
    }
}

/// `deals fx import FILE`: ImportFXRates.
public struct DealsFXImportCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Replace the server's FX table from a CSV in the ECB's eurofxref-hist layout.",
        discussion: """
            The file: a header Date,USD,JPY,... then one line per day,
            2024-01-05,1.0921,159.22,... (units of each currency per 1 EUR, at most
            6 decimals, N/A for none), any order; at most 16 MiB, 100,000 days and
            200 currencies. The ECB publishes the whole history at
            https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip (unzip it).
            The server keeps the table durably and converts with it at once;
            a bad line is reported with its line and column.

            Examples:
              deals fx import eurofxref-hist.csv --source https://www.ecb.europa.eu/stats/eurofxref/ \\
                --label "ECB eurofxref-hist" --retrieved 2026-12-01
              deals fx import rates.csv --source "Treasury desk" --check
            """
    )

    @Argument(help: "The CSV file; - reads stdin.")
    var file: String

    @Option(help: "Where the rates come from (a URL or a publisher); required.")
    var source: String

    @Option(help: "A short name converted amounts report as their rate source (default: --source).")
    var label: String?

    @Option(help: "When the file was fetched, YYYY-MM-DD.")
    var retrieved: String?

    @Flag(help: "Only check the file on the server; the table in use stays.")
    var check = false

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_ImportFXRatesRequest()
        request.csv = Data(try context.readText(self.file).utf8)
        request.source = self.source
        request.label = self.label ?? ""
        request.retrieved = self.retrieved ?? ""
        request.validateOnly = self.check
        let info = try await context.withClient(self.connection) { client in try await client.importFXRates(request) }
        if self.check { context.output.errorLine("checked: the table in use is unchanged") }
        try context.emit(DealViews.fxTable(info), as: self.format.output)
    }
}
