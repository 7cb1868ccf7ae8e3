public import DealModel
import Foundation

/// Reads an FX table from a CSV in the layout of the European Central Bank's `eurofxref-hist.csv` (ImportFXRates,
/// `deals fx import FILE`) and writes it in DealStore's table format, the one `Tools/fx/make-fx-table.py` writes.
///
/// The layout: a header `Date,USD,JPY,…` (a trailing comma allowed, as the ECB writes it), then one line per
/// publication day, `2024-01-05,1.0921,159.22,…`: the date as YYYY-MM-DD, then each currency's units per 1 EUR
/// with at most 6 decimals, `N/A` or empty when none was published. Any line order (the ECB's is newest first).
/// Every rate is kept as the exact decimal written, never as floating point.
public enum DealFXCSV {
    /// The largest CSV read: 16 MiB (the ECB's whole history since 1999 is about 2.5 MB).
    public static let maximumBytes = 16 << 20
    /// The most publication days: 100,000 lines (the ECB's history has about 7,000).
    public static let maximumDays = 100_000
    /// The most currency columns: 200 (the ECB's has 41).
    public static let maximumCurrencies = 200

    /// The table's bytes in DealStore's format, and the table itself.
    ///
    /// `source` (where the rates come from, e.g. the ECB's URL), `label` (a short name) and `retrieved` (the date
    /// the file was fetched, YYYY-MM-DD) go into the table's header, the provenance every converted amount reports.
    /// Bad input is ``DealStoreError/Code/invalidArgument`` naming the line and column.
    public static func table(
        csv: [UInt8],
        source: String,
        label: String,
        retrieved: String
    ) throws(DealStoreError) -> (table: DealFXTable, bytes: [UInt8]) {
        if csv.count > Self.maximumBytes {
            throw .invalid("csv", "is \(csv.count) bytes, over the limit of \(Self.maximumBytes) (16 MiB)")
        }
        for (field, value) in [("source", source), ("label", label), ("retrieved", retrieved)]
        where value.contains(where: \.isNewline) {
            throw .invalid(field, "must be one line")
        }
        if source.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalid("source", "is required: where the rates come from (a URL or a publisher's name)")
        }
        if !retrieved.isEmpty && Self.day(retrieved) == nil {
            throw .invalid("retrieved", "'\(retrieved)' is not a date: write YYYY-MM-DD")
        }
        guard let text = String(validating: csv, as: UTF8.self) else {
            throw .invalid("csv", "is not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        if lines.first?.hasPrefix("\u{FEFF}") == true { lines[0] = lines[0].dropFirst() }
        guard let headerLine = lines.first, !headerLine.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid("csv", "is empty: the first line must be the header Date,USD,JPY,…")
        }
        var header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        while header.count > 1 && header.last == "" { header.removeLast() }
        guard header[0].lowercased() == "date" else {
            throw .invalid(
                "csv",
                "line 1, column 1: '\(header[0])' is not 'Date': the ECB eurofxref-hist layout starts Date,USD,JPY,…"
            )
        }
        let codes = Array(header.dropFirst())
        if codes.isEmpty { throw .invalid("csv", "line 1: no currency columns after Date") }
        if codes.count > Self.maximumCurrencies {
            throw .invalid(
                "csv",
                "line 1: \(codes.count) currency columns, over the limit of \(Self.maximumCurrencies)"
            )
        }
        for (index, code) in codes.enumerated() {
            let column = index + 2
            if code.count != 3 || !code.unicodeScalars.allSatisfy({ (65...90).contains($0.value) }) {
                throw .invalid(
                    "csv",
                    "line 1, column \(column): '\(code)' is not an ISO 4217 code (three capital letters)"
                )
            }
            if code == "EUR" {
                throw .invalid(
                    "csv",
                    "line 1, column \(column): EUR is the base (every rate is per 1 EUR), not a column"
                )
            }
            if codes[..<index].contains(code) {
                throw .invalid("csv", "line 1, column \(column): \(code) is a column twice")
            }
        }
        // Each day's cells as (digits, decimals), nil where no rate was published.
        var days: [(day: Int32, line: Int, cells: [(value: Int64, decimals: Int)?])] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let number = index + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if days.count == Self.maximumDays {
                throw .invalid("csv", "line \(number): more than \(Self.maximumDays) days, the limit")
            }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            while cells.count > codes.count + 1 && cells.last == "" { cells.removeLast() }
            if cells.count > codes.count + 1 {
                throw .invalid(
                    "csv",
                    "line \(number): \(cells.count) columns, but the header names \(codes.count + 1)"
                )
            }
            guard let day = Self.day(cells[0]) else {
                throw .invalid("csv", "line \(number), column 1: '\(cells[0])' is not a date: write YYYY-MM-DD")
            }
            var rates: [(value: Int64, decimals: Int)?] = []
            for position in 0..<codes.count {
                let cell = position + 1 < cells.count ? cells[position + 1] : ""
                if cell.isEmpty || cell == "N/A" {
                    rates.append(nil)
                    continue
                }
                guard let rate = Self.rate(cell) else {
                    throw .invalid(
                        "csv",
                        "line \(number), column \(position + 2) (\(codes[position])): '\(cell)' is not a rate: a "
                            + "positive decimal with at most 6 decimals and a point (1.0921), or N/A"
                    )
                }
                rates.append(rate)
            }
            days.append((day, number, rates))
        }
        if days.isEmpty { throw .invalid("csv", "has a header but no day: add lines such as 2024-01-05,1.0921,…") }
        days.sort { $0.day < $1.day }
        for index in days.indices.dropFirst() where days[index].day == days[index - 1].day {
            let (first, second) = (
                min(days[index - 1].line, days[index].line), max(days[index - 1].line, days[index].line)
            )
            throw .invalid("csv", "line \(second), column 1: the date of line \(first) again")
        }
        let decimals = codes.indices.map { position in
            days.reduce(0) { max($0, $1.cells[position]?.decimals ?? 0) }
        }
        var body: [UInt8] = []
        DealVarint.append(UInt64(codes.count), to: &body)
        for code in codes { body += Array(code.utf8) }
        body += decimals.map { UInt8($0) }
        DealVarint.append(UInt64(days.count), to: &body)
        var previousDay: Int32 = 0
        var previous = [Int64](repeating: 0, count: codes.count)
        var rateCount = 0
        for day in days {
            DealVarint.append(UInt64(day.day - previousDay), to: &body)
            previousDay = day.day
            for position in codes.indices {
                guard let cell = day.cells[position] else {
                    body.append(0)
                    continue
                }
                var value = cell.value
                for _ in cell.decimals..<decimals[position] {
                    let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
                    guard !overflow, scaled < 1 << 50 else {
                        throw .invalid(
                            "csv",
                            "line \(day.line), column \(position + 2) (\(codes[position])): the rate is too large"
                        )
                    }
                    value = scaled
                }
                let delta = value - previous[position]
                let zigzag = UInt64(bitPattern: (delta << 1) ^ (delta >> 63))
                DealVarint.append(zigzag + 1, to: &body)
                previous[position] = value
                rateCount += 1
            }
        }
        let headerLines: [String] =
            [
                DealFXTable.magic,
                "source: \(source)",
                "label: \(label.isEmpty ? source : label)",
                "read-from: ImportFXRates (an ECB eurofxref-hist layout CSV of \(csv.count) bytes)",
            ] + (retrieved.isEmpty ? [] : ["retrieved: \(retrieved)"]) + [
                "first-date: \(Self.text(days[0].day))",
                "last-date: \(Self.text(days[days.count - 1].day))",
                "days: \(days.count)",
                "rates: \(rateCount)",
                "currencies: " + codes.joined(separator: " "),
                "quote: units of each currency per 1 EUR",
                "generated-by: ImportFXRates",
            ]
        let bytes = Array((headerLines.joined(separator: "\n") + "\n\n").utf8) + body
        do {
            return (try DealFXTable(bytes: bytes), bytes)
        } catch {
            throw DealStoreError(code: .internal, message: "the imported FX table does not read back", cause: error)
        }
    }

    /// A rate as its digits and number of decimals: `1.0921` is (10921, 4); nil unless positive, at most 6 decimals.
    static func rate(_ cell: String) -> (value: Int64, decimals: Int)? {
        let parts = cell.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 6, parts.count == 1 || !fraction.isEmpty,
            (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }), whole.count + fraction.count <= 15,
            let value = Int64(whole + fraction), value > 0
        else { return nil }
        return (value, fraction.count)
    }

    /// Days since 1970-01-01 of a YYYY-MM-DD date, or nil.
    static func day(_ text: String) -> Int32? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1970...4700).contains(year), (1...12).contains(month), day >= 1
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int32(era * 146_097 + dayOfEra - 719_468)
    }

    /// YYYY-MM-DD of a day number.
    static func text(_ day: Int32) -> String {
        let z = Int(day) + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(dayOfMonth))"
    }
}
