import DealTestSupport
import Foundation

/// Reads the aligned tables `deals` prints: an upper-case header row, then rows whose cells line up under it.
///
/// Columns are found from the header: each header word starts a column. A left-aligned cell starts where its header
/// starts; a right-aligned one ends where its header ends.
struct DealTextTable {
    let header: [Character]
    let rows: [[Character]]
    /// (name, start offset, end offset) of each header word.
    let columns: [(name: String, start: Int, end: Int)]

    /// Parses `text`, whose first line is the header; lines after the first empty one (footers) are ignored.
    init(_ text: String, footerLines: Int = 0) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        while let last = lines.last, last.isEmpty {
            lines.removeLast()
        }
        lines.removeLast(min(footerLines, lines.count))
        guard let header = lines.first else {
            throw DealEndToEndError("an empty table")
        }
        self.header = header
        self.rows = Array(lines.dropFirst())
        var columns: [(String, Int, Int)] = []
        var index = 0
        while index < header.count {
            if header[index] == " " {
                index += 1
                continue
            }
            let start = index
            // Header words may hold single spaces ("SHARED TARGETS"); two spaces separate columns.
            while index < header.count
                && !(header[index] == " " && (index + 1 >= header.count || header[index + 1] == " "))
            {
                index += 1
            }
            columns.append((String(header[start..<index]), start, index))
        }
        self.columns = columns
    }

    /// The column names, in order.
    var names: [String] { self.columns.map(\.name) }

    /// The cell of column `name` in `row`: for a left-aligned column the text from the header's start, for a
    /// right-aligned one the text ending at the header's end, up to two spaces (cells may hold single spaces).
    func cell(_ name: String, in row: [Character], rightAligned: Bool = false) -> String? {
        guard let column = self.columns.first(where: { $0.name == name }) else { return nil }
        if rightAligned {
            var start = min(column.end, row.count)
            while start > 0 && !(row[start - 1] == " " && (start < 2 || row[start - 2] == " ")) {
                start -= 1
            }
            return String(row[start..<min(column.end, row.count)]).trimmingCharacters(in: .whitespaces)
        }
        guard column.start < row.count else { return "" }
        var end = column.start
        while end < row.count && !(row[end] == " " && (end + 1 >= row.count || row[end + 1] == " ")) {
            end += 1
        }
        return String(row[column.start..<end])
    }

    /// The row whose left-aligned column `name` holds exactly `value`.
    func row(where name: String, is value: String) -> [Character]? {
        self.rows.first { self.cell(name, in: $0) == value }
    }

    /// True when, in every row, the cell under left-aligned `name` starts exactly at the header's start (a space
    /// before it, text at it) or is empty.
    func isLeftAligned(_ name: String) -> Bool {
        guard let index = self.columns.firstIndex(where: { $0.name == name }) else { return false }
        let column = self.columns[index]
        return self.rows.allSatisfy { row in
            guard column.start < row.count, row[column.start] != " " else {
                // An empty cell: blank up to the two spaces before the next header, so a cell shifted right fails.
                let end = index + 1 < self.columns.count ? self.columns[index + 1].start - 2 : row.count
                return column.start >= row.count
                    || row[column.start..<min(max(end, column.start), row.count)]
                        .allSatisfy { $0 == " " }
            }
            return column.start == 0 || row[column.start - 1] == " "
        }
    }

    /// True when, in every row, the cell under right-aligned `name` ends exactly where the header ends, or is empty.
    func isRightAligned(_ name: String) -> Bool {
        guard let column = self.columns.first(where: { $0.name == name }) else { return false }
        return self.rows.allSatisfy { row in
            guard column.end - 1 < row.count, row[column.end - 1] != " " else {
                // An empty cell.
                return true
            }
            return column.end >= row.count || row[column.end] == " "
        }
    }
}
