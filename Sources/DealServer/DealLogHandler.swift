import Logging

/// The daemon's log handler: `StreamLogHandler`'s line format, written through a buffered ``DealLogOutput``.
///
/// Lines look like `2026-11-21T23:50:04+0000 info dealsd: key=value ... [DealServer] message`. The per-call
/// info line of the server goes through here, so formatting appends into one string instead of building and
/// joining an array of pieces.
public struct DealLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    public var metadata: Logger.Metadata = [:]

    private let label: String
    private let output: DealLogOutput

    /// Creates a handler for `label` writing to `output` (standard error by default).
    public init(label: String, output: DealLogOutput = .standardError) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = " "
        line.reserveCapacity(192)
        line += event.level.rawValue
        if !self.label.isEmpty {
            line += " "
            line += self.label
        }
        line += ":"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " "
            line += key
            line += "="
            line += value.description
        }
        line += " ["
        line += event.source
        line += "] "
        line += event.message.description
        line += "\n"
        self.output.write(line, urgent: event.level >= .warning)
    }
}
