/// Draws aligned text tables and horizontal bars for the terminal.
///
/// Columns are separated by two spaces; numeric columns are right-aligned. Widths count characters (grapheme
/// clusters), which is the terminal width for the Latin, currency and block characters DealStore prints. Cells are
/// printed on a terminal, so control characters and terminal escapes in them are shown as `\u{1B}`, never sent.
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
        /// True for free text (titles, descriptions) that may be cut to fit the terminal; ids and amounts never are.
        public var flexible: Bool
        /// True for quotes: never cut by ``DealTableRenderer/maximumCellWidth``, since a quote cut short may no
        /// longer say what its source says.
        public var whole: Bool

        /// Creates a column.
        public init(_ header: String, alignment: Alignment = .left, flexible: Bool = false, whole: Bool = false) {
            self.header = header
            self.alignment = alignment
            self.flexible = flexible
            self.whole = whole
        }
    }

    /// The columns, in order.
    public var columns: [Column]
    /// Cells longer than this are cut with an ellipsis; `nil` never cuts.
    public var maximumCellWidth: Int?

    /// The terminal width to fit: the widest flexible columns are narrowed (down to 8 characters) until the
    /// table fits; `nil` never narrows (pipes and files get whole cells up to ``maximumCellWidth``).
    public var maximumTableWidth: Int?

    /// Creates a renderer for `columns`.
    public init(columns: [Column], maximumCellWidth: Int? = 48, maximumTableWidth: Int? = nil) {
        self.columns = columns
        self.maximumCellWidth = maximumCellWidth
        self.maximumTableWidth = maximumTableWidth
    }

    /// Renders the header and `rows` as lines ending in a newline; missing cells are empty, trailing spaces trimmed.
    public func render(_ rows: [[String]]) -> String {
        var cells = rows.map { row in
            self.columns.indices.map { index in
                self.truncated(index < row.count ? row[index] : "", whole: self.columns[index].whole)
            }
        }
        let headers = self.columns.map { $0.header.uppercased() }
        var widths = headers.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        if let limit = self.maximumTableWidth {
            // Narrow the widest free-text column one character at a time; ids, dates and amounts keep their
            // width because people copy them into the next command. A table that still does not fit wraps.
            while widths.reduce(0, +) + 2 * max(widths.count - 1, 0) > limit {
                let candidates = widths.indices.filter { self.columns[$0].flexible && widths[$0] > 8 }
                guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
            }
            cells = cells.map { row in
                row.enumerated().map { index, cell in
                    cell.count > widths[index] ? String(cell.prefix(widths[index] - 1)) + "…" : cell
                }
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

    private func truncated(_ cell: String, whole: Bool) -> String {
        // Cells hold stored text: terminal escapes and control characters are made visible, never sent raw.
        let singleLine = cell.terminalSafe()
        guard !whole, let limit = self.maximumCellWidth, singleLine.count > limit else { return singleLine }
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
