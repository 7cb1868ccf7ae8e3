public import Logging

/// The daemon's log handler: `StreamLogHandler`'s line format, written through a buffered ``DealLogOutput``.
///
/// Lines look like `2026-11-21T23:50:04+0000 info dealsd: key=value ... [DealServer] message`. The per-call
/// info line of the server goes through here, so formatting appends into one string instead of building and
/// joining an array of pieces. Every message and metadata key and value is escaped (see ``escaped(_:)``): one
/// event is always exactly one line.
public struct DealLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    public var metadata: Logger.Metadata = [:] {
        didSet { self.prettyMetadata = Self.prettify(self.metadata) }
    }

    /// The handler's own metadata formatted once, when it is set (a connection's logger sets `peer` once).
    private var prettyMetadata = ""
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
        var line = " "
        line.reserveCapacity(224)
        line += event.level.rawValue
        if !self.label.isEmpty {
            line += " "
            line += self.label
        }
        line += ":"
        let provided = self.metadataProvider?.get() ?? [:]
        let explicit = event.metadata ?? [:]
        if provided.isEmpty, event.error == nil, !self.metadata.keys.contains(where: { explicit[$0] != nil }) {
            // The per-call path: the handler's metadata as formatted when set, then the call's own keys sorted.
            // No merged dictionary is built.
            line += self.prettyMetadata
            if !explicit.isEmpty {
                Self.append(explicit, to: &line)
            }
        } else {
            var merged = self.metadata
            merged.merge(provided) { _, new in new }
            merged.merge(explicit) { _, new in new }
            if let error = event.error {
                merged["error.message"] = "\(error)"
                merged["error.type"] = "\(String(reflecting: type(of: error)))"
            }
            Self.append(merged, to: &line)
        }
        line += " ["
        line += event.source
        line += "] "
        // Escaped so that nothing a message quotes (a request id, a name from a record) can end the line.
        line += Self.escaped(event.message.description)
        line += "\n"
        self.output.write(line, urgent: event.level >= .warning)
    }

    private static func prettify(_ metadata: Logger.Metadata) -> String {
        var text = ""
        Self.append(metadata, to: &text)
        return text
    }

    /// Appends ` key=value` for each entry, in key order.
    private static func append(_ metadata: Logger.Metadata, to line: inout String) {
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " "
            line += Self.escaped(key)
            line += "="
            line += Self.escaped(value.description)
        }
    }
}
