/// A dated table of reference exchange rates against the euro, with its provenance: what the store converts
/// amounts with (see ``normalize(_:to:at:)``).
///
/// The bundled table is the European Central Bank's euro reference rates since 1999 (`eurofxref-hist`), written by
/// `Tools/fx/make-fx-table.py` in the compact format that script documents: a text header of `key: value` lines
/// (source, retrieval date, licence), then every publication day's rates, delta-coded per currency. Rates are
/// kept as the exact integers the ECB published (`1.1172` is 11172 at 4 decimals), so conversion never touches
/// floating point.
public struct DealFXTable: Sendable {
    /// One currency's published rates, in day order.
    struct Series: Sendable {
        /// Day numbers (days since 1970-01-01) of the publications.
        var days: [Int32] = []
        /// The rate of each day times 10^`decimals`: units of the currency per 1 EUR.
        var values: [Int64] = []
        var decimals: Int
    }

    /// A rate as published: units of `currency` per 1 EUR on `day`.
    public struct Rate: Sendable, Equatable {
        public var currency: String
        /// Days since 1970-01-01.
        public var day: Int32
        /// The rate times 10^`decimals`.
        public var value: Int64
        public var decimals: Int

        /// The rate in millionths (every ECB rate has at most six decimals).
        var millionths: Int128 {
            var result = Int128(self.value)
            for _ in 0..<max(0, 6 - self.decimals) { result *= 10 }
            return result
        }

        /// The rate as published, e.g. `1.1172`.
        public var text: String {
            DealFXTable.decimalText(Int128(self.value), decimals: self.decimals)
        }
    }

    /// The header lines in file order: `source`, `label`, `retrieved`, `licence`, `first-date`, `last-date`...
    public let provenance: [(key: String, value: String)]
    let series: [String: Series]
    /// The first and last publication days (days since 1970-01-01).
    public let firstDay: Int32
    public let lastDay: Int32
    /// Number of publication days and of rates in the table.
    public let dayCount: Int
    public let rateCount: Int

    /// The currencies the table has rates for, sorted (EUR included).
    public var currencies: [String] { (Array(self.series.keys) + ["EUR"]).sorted() }

    /// The value of a header key, e.g. `retrieved`.
    public func provenance(_ key: String) -> String? {
        self.provenance.first { $0.key == key }?.value
    }

    /// What rates report as their source: the table's label and retrieval date, e.g.
    /// `ECB eurofxref-hist, retrieved 2026-10-31`.
    public var sourceLabel: String {
        let label = self.provenance("label") ?? self.provenance("source") ?? "unnamed FX table"
        return self.provenance("retrieved").map { "\(label), retrieved \($0)" } ?? label
    }

    /// The first line of every table.
    public static let magic = "DealStore FX table 1"

    /// Reads a table in the format of `Tools/fx/make-fx-table.py`.
    public init(bytes: [UInt8]) throws(DealFXTableError) {
        var offset = 0
        var lines: [String] = []
        while true {
            guard let end = bytes[offset...].firstIndex(of: 10) else {
                throw DealFXTableError(code: .notATable, message: "the FX table's header does not end (no empty line)")
            }
            if end == offset { break }
            lines.append(String(decoding: bytes[offset..<end], as: UTF8.self))
            offset = end + 1
        }
        offset += 1
        guard lines.first == Self.magic else {
            throw DealFXTableError(
                code: .notATable,
                message: "not a DealStore FX table: the first line is not \"\(Self.magic)\""
            )
        }
        var provenance: [(key: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw DealFXTableError(code: .notATable, message: "FX table header line \"\(line)\" is not key: value")
            }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            provenance.append((String(line[..<colon]), String(value)))
        }
        self.provenance = provenance

        var reader = Reader(bytes: bytes, offset: offset)
        let currencyCount = try reader.count(atMost: 1000, what: "currencies")
        var codes: [String] = []
        for _ in 0..<currencyCount {
            let code = try reader.take(3)
            guard code.allSatisfy({ (65...90).contains($0) }) else {
                throw DealFXTableError(code: .malformed, message: "the FX table names a currency that is not ISO 4217")
            }
            codes.append(String(decoding: code, as: UTF8.self))
        }
        guard Set(codes).count == codes.count, !codes.contains("EUR") else {
            throw DealFXTableError(code: .malformed, message: "the FX table names a currency twice (or EUR)")
        }
        var all: [Series] = []
        for _ in 0..<currencyCount {
            let decimals = Int(try reader.take(1).first ?? 0)
            guard decimals <= 6 else {
                throw DealFXTableError(code: .malformed, message: "the FX table has rates with more than 6 decimals")
            }
            all.append(Series(decimals: decimals))
        }
        let dayCount = try reader.count(atMost: 1_000_000, what: "days")
        var day: Int64 = 0
        var previous = [Int64](repeating: 0, count: currencyCount)
        var rates = 0
        var first: Int32 = 0
        for index in 0..<dayCount {
            let gap = try reader.varint()
            guard gap <= 1_000_000, index == 0 || gap > 0 else {
                throw DealFXTableError(code: .malformed, message: "the FX table's days are not in increasing order")
            }
            day += Int64(gap)
            guard day <= 1_000_000 else {
                throw DealFXTableError(code: .malformed, message: "the FX table has a day after the year 4700")
            }
            if index == 0 { first = Int32(day) }
            for position in 0..<currencyCount {
                let cell = try reader.varint()
                if cell == 0 { continue }
                let zigzag = cell - 1
                let delta = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
                let (value, overflow) = previous[position].addingReportingOverflow(delta)
                guard !overflow, value > 0, value < 1 << 50 else {
                    throw DealFXTableError(code: .malformed, message: "the FX table has a rate that is not positive")
                }
                previous[position] = value
                all[position].days.append(Int32(day))
                all[position].values.append(value)
                rates += 1
            }
        }
        guard reader.offset == bytes.count else {
            throw DealFXTableError(code: .malformed, message: "the FX table has bytes after its last day")
        }
        self.series = Dictionary(uniqueKeysWithValues: zip(codes, all))
        self.firstDay = first
        self.lastDay = Int32(day)
        self.dayCount = dayCount
        self.rateCount = rates
    }

    /// The latest rate of `currency` published on or before `day`; EUR is 1 on every day. `nil` when the table has
    /// none (an unknown currency, a day before its first rate).
    public func rate(_ currency: String, onOrBefore day: Int32) -> Rate? {
        if currency == "EUR" { return Rate(currency: "EUR", day: day, value: 1, decimals: 0) }
        guard let series = self.series[currency] else { return nil }
        var low = 0
        var high = series.days.count
        while low < high {
            let middle = (low + high) / 2
            if series.days[middle] <= day { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        return Rate(
            currency: currency,
            day: series.days[low - 1],
            value: series.values[low - 1],
            decimals: series.decimals
        )
    }

    /// The first and last days the table has rates for `currency`.
    public func coverage(of currency: String) -> (first: Int32, last: Int32)? {
        if currency == "EUR" { return (self.firstDay, self.lastDay) }
        guard let series = self.series[currency], let first = series.days.first, let last = series.days.last else {
            return nil
        }
        return (first, last)
    }

    /// `value / 10^decimals` as plain decimal text without trailing zeros: 11172 at 4 decimals is `1.1172`.
    static func decimalText(_ value: Int128, decimals: Int) -> String {
        let negative = value < 0
        var digits = String(value.magnitude)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            let point = digits.index(digits.endIndex, offsetBy: -decimals)
            var fraction = String(digits[point...])
            while fraction.hasSuffix("0") { fraction.removeLast() }
            digits = String(digits[..<point]) + (fraction.isEmpty ? "" : "." + fraction)
        }
        return negative ? "-" + digits : digits
    }

    /// Reads the table's varints, refusing to run past the end.
    struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func varint() throws(DealFXTableError) -> UInt64 {
            guard let value = DealVarint.read(from: self.bytes, at: &self.offset) else {
                throw DealFXTableError(code: .malformed, message: "the FX table ends in the middle of a value")
            }
            return value
        }

        mutating func count(atMost limit: Int, what: String) throws(DealFXTableError) -> Int {
            let value = try self.varint()
            guard value <= UInt64(limit) else {
                throw DealFXTableError(code: .malformed, message: "the FX table claims \(value) \(what)")
            }
            return Int(value)
        }

        mutating func take(_ count: Int) throws(DealFXTableError) -> ArraySlice<UInt8> {
            guard self.bytes.count - self.offset >= count else {
                throw DealFXTableError(code: .malformed, message: "the FX table ends early")
            }
            defer { self.offset += count }
            return self.bytes[self.offset..<self.offset + count]
        }
    }
}
