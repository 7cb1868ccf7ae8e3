public import ArgumentParser

/// The `--output` flag of commands that print results.
public struct DealOutputOptions: ParsableArguments, Sendable {
    @Option(
        name: [.short, .long],
        help: "Output format: table (default), json, jsonl or csv. JSON uses the protobuf JSON mapping."
    )
    var output: DealOutputFormat = .table

    /// Creates the default (table) options.
    public init() {}
}
