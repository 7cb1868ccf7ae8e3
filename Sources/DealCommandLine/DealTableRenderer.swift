/// Draws aligned text tables and horizontal bars for the terminal.
///
/// Columns are separated by two spaces; numeric columns are right-aligned. Widths count characters (grapheme
/// clusters), which is the terminal width for the Latin, currency and block characters DealStore prints.
public struct DealTableRenderer: Sendable {
    /// How a column's cells line up.
    public enum Alignment: Sendable {
        case left
        case right
    }

    /// A column: its header and alignment.
    public struct Column: Sendable {
        /// The header, printed upper case.
        public var header: String
        /// How cells line up.
        public var alignment: Alignment

        /// Creates a column.
        public init(_ header: String, alignment: Alignment = .left) {
            self.header = header
            self.alignment = alignment
        }
    }

    /// The columns, in order.
    public var columns: [Column]
    /// Cells longer than this are cut with an ellipsis; `nil` never cuts.
    public var maximumCellWidth: Int?

    /// Creates a renderer for `columns`.
    public init(columns: [Column], maximumCellWidth: Int? = 48) {
        self.columns = columns
        self.maximumCellWidth = maximumCellWidth
    }

    /// Renders the header and `rows` as lines ending in a newline; missing cells are empty, trailing spaces trimmed.
    public func render(_ rows: [[String]]) -> String {
        let cells = rows.map { row in
            self.columns.indices.map { index in
                self.truncated(index < row.count ? row[index] : "")
            }
        }
        let headers = self.columns.map { $0.header.uppercased() }
        var widths = headers.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var output = ""
        for row in [headers] + cells {
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 {
                    line += "  "
                }
                line += self.columns[index].alignment == .right ? padding + cell : cell + padding
            }
            while line.last == " " {
                line.removeLast()
            }
            output += line + "\n"
        }
        return output
    }

    private func truncated(_ cell: String) -> String {
        let singleLine = cell.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard let limit = self.maximumCellWidth, singleLine.count > limit else { return singleLine }
        return String(singleLine.prefix(limit - 1)) + "…"
    }

    /// A bar `fraction` (0...1) of `width` characters long, drawn with eighth-block characters.
    ///
    /// Any non-zero fraction draws at least a thin bar so small values stay visible.
    public static func bar(fraction: Double, width: Int) -> String {
        // A bar is a picture, not an amount: floating point is fine here and nowhere near money arithmetic.
        let clamped = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        var eighths = Int((clamped * Double(width * 8)).rounded())
        if eighths == 0 && clamped > 0 {
            eighths = 1
        }
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partials[eighths % 8]
    }
}
