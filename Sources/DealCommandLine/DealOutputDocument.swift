import SwiftProtobuf

/// A command's result in every output format: table cells for people, CSV cells and protobuf JSON for scripts.
///
/// Commands build one document and ``render(as:)`` picks the format, so every command supports every format the
/// same way.
public struct DealOutputDocument: Sendable {
    /// The table's columns.
    public var columns: [DealTableRenderer.Column]
    /// Table cells, formatted for people.
    public var tableRows: [[String]]
    /// The CSV header row.
    public var csvHeader: [String]
    /// CSV cells, exact and unformatted.
    public var csvRows: [[String]]
    /// The records as protobuf messages, for JSON and JSON Lines.
    public var records: [any SwiftProtobuf.Message]
    /// True when the result is one record: JSON prints an object rather than an array.
    public var isSingleRecord: Bool
    /// A line printed under the table (never in other formats), e.g. "3 of 12 deals".
    public var footer: String?
    /// A text to print instead of the table (detail views); other formats still use the other fields.
    public var customTable: String?

    /// Creates a document.
    public init(
        columns: [DealTableRenderer.Column],
        tableRows: [[String]],
        csvHeader: [String],
        csvRows: [[String]],
        records: [any SwiftProtobuf.Message],
        isSingleRecord: Bool = false,
        footer: String? = nil,
        customTable: String? = nil
    ) {
        self.columns = columns
        self.tableRows = tableRows
        self.csvHeader = csvHeader
        self.csvRows = csvRows
        self.records = records
        self.isSingleRecord = isSingleRecord
        self.footer = footer
        self.customTable = customTable
    }

    /// The document as text in `format`, ending in a newline (empty for an empty JSON Lines result).
    ///
    /// `width` is the terminal's width, to which list tables are fitted; `nil` when stdout is not a terminal.
    public func render(as format: DealOutputFormat, width: Int? = nil) throws -> String {
        switch format {
        case .table:
            if let customTable = self.customTable {
                return customTable
            }
            var text = DealTableRenderer(columns: self.columns, maximumTableWidth: width).render(self.tableRows)
            if let footer = self.footer {
                text += footer + "\n"
            }
            return text
        case .json:
            let objects = try self.records.map { try Self.json($0) }
            if self.isSingleRecord, let first = objects.first {
                return first + "\n"
            }
            return objects.isEmpty ? "[]\n" : "[\n" + objects.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n"
        case .jsonl:
            return try self.records.map { try Self.json($0) + "\n" }.joined()
        case .csv:
            return ([self.csvHeader] + self.csvRows).map(Self.csvLine).joined()
        }
    }

    /// One message in the protobuf JSON mapping, on one line.
    public static func json(_ message: any SwiftProtobuf.Message) throws -> String {
        try message.jsonString()
    }

    /// One CSV record with RFC 4180 quoting, ending in CRLF-free "\n".
    public static func csvLine(_ cells: [String]) -> String {
        cells.map { cell in
            if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
            }
            return cell
        }.joined(separator: ",") + "\n"
    }
}
