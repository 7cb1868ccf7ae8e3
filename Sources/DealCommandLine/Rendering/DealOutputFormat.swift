public import ArgumentParser

/// How a command prints its results: aligned table for people, or JSON, JSON Lines or CSV for scripts.
public enum DealOutputFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Aligned columns (the default).
    case table
    /// One JSON document: an array for lists, an object for single records (protobuf JSON mapping).
    case json
    /// One JSON object per line (protobuf JSON mapping).
    case jsonl
    /// RFC 4180 CSV with a header row; amounts as exact decimals with a separate currency column.
    case csv
}
