public import SwiftProtobuf

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
            // Detail views and footers quote stored text too: made terminal-safe here, where all of it passes.
            if let customTable = self.customTable {
                return customTable.terminalSafe(keepingNewlines: true)
            }
            var text = DealTableRenderer(columns: self.columns, maximumTableWidth: width).render(self.tableRows)
            if let footer = self.footer {
                text += footer.terminalSafe() + "\n"
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
    ///
    /// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's rule
    /// against CSV injection): spreadsheets run such a cell as a formula, and cells hold stored text anyone with
    /// write access chose. A plain negative decimal (`-12.5`) is left alone: a spreadsheet reads it as a number,
    /// and no formula is only digits and one point.
    public static func csvLine(_ cells: [String]) -> String {
        cells.map { cell in
            let cell = Self.neutralized(cell)
            if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
            }
            return cell
        }.joined(separator: ",") + "\n"
    }

    /// `cell`, with a leading `'` when a spreadsheet would read it as a formula.
    static func neutralized(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        if first == "-" && Self.isPlainDecimal(cell.utf8.dropFirst()) { return cell }
        return "'" + cell
    }

    /// Digits, optionally with one point between digits: `12`, `12.5`.
    private static func isPlainDecimal(_ bytes: Substring.UTF8View) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
    }
}
