public import ArgumentParser

/// The `--dry-run` and `--output` options of `deals add` and `deals orgs add`.
public struct DealCreateOptions: ParsableArguments, Sendable {
    @Flag(name: .customLong("dry-run"), help: "Validate on the server without storing.")
    var dryRun = false

    @OptionGroup var format: DealOutputOptions

    /// Creates the default options: store the record, print a table.
    public init() {}
}
