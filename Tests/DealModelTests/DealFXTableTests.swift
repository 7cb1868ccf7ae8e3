import DealModel
import Foundation
import SwiftProtobuf
import Testing

/// Writes tables in the format of Tools/fx/make-fx-table.py, so the tests make their own data.
enum DealFXTableWriter {
    /// `days`: (yyyy-mm-dd, rates by currency as published text); a missing currency is "no rate that day".
    static func table(
        currencies: [String],
        days: [(String, [String: String])],
        header: [String] = ["label: test table", "retrieved: 2026-12-01"]
    ) -> [UInt8] {
        var bytes = Array((([DealFXTable.magic] + header).joined(separator: "\n") + "\n\n").utf8)
        func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
        let decimals = currencies.map { code in
            days.compactMap { $0.1[code] }.map { $0.split(separator: ".").dropFirst().first?.count ?? 0 }.max() ?? 0
        }
        varint(UInt64(currencies.count))
        for code in currencies { bytes += Array(code.utf8) }
        bytes += decimals.map { UInt8($0) }
        varint(UInt64(days.count))
        var previousDay: Int32 = 0
        var previous = [Int64](repeating: 0, count: currencies.count)
        for (date, rates) in days {
            let parts = date.split(separator: "-").map { Int($0)! }
            let day = DealFXDay.number(year: parts[0], month: parts[1], day: parts[2])
            varint(UInt64(day - previousDay))
            previousDay = day
            for (index, code) in currencies.enumerated() {
                guard let text = rates[code] else {
                    bytes.append(0)
                    continue
                }
                let pieces = text.split(separator: ".")
                let fraction = pieces.count > 1 ? String(pieces[1]) : ""
                let value = Int64(
                    String(pieces[0]) + fraction.padding(toLength: decimals[index], withPad: "0", startingAt: 0)
                )!
                let delta = value - previous[index]
                previous[index] = value
                varint(UInt64(bitPattern: (delta << 1) ^ (delta >> 63)) + 1)
            }
        }
        return bytes
    }

    /// Two currencies over a week of October 2023 with its weekend (the 28th and 29th) missing.
    static let october: [UInt8] = Self.table(
        currencies: ["USD", "GBP"],
        days: [
            ("2023-10-26", ["USD": "1.054", "GBP": "0.8717"]),
            ("2023-10-27", ["USD": "1.0541", "GBP": "0.87023"]),
            ("2023-10-30", ["USD": "1.0613"]),
            ("2023-10-31", ["USD": "1.0632", "GBP": "0.8731"]),
        ]
    )
}

@Suite("FX table: reading, rate lookup and exact conversion")
struct DealFXTableTests {
    static func date(_ year: Int32, _ month: Int32, _ day: Int32 = 0) -> Dealstore_V1_PartialDate {
        Dealstore_V1_PartialDate.with {
            $0.year = year
            $0.month = month
            $0.day = day
            $0.precision = day == 0 ? .month : .day
        }
    }

    static func money(_ units: Int64, _ nanos: Int32 = 0, _ currency: String) -> Dealstore_V1_Money {
        Dealstore_V1_Money.with {
            $0.currencyCode = currency
            $0.units = units
            $0.nanos = nanos
        }
    }

    @Test("a table reads back its days, rates and provenance")
    func reads() throws {
        let table = try DealFXTable(bytes: DealFXTableWriter.october)
        #expect(table.dayCount == 4)
        #expect(table.rateCount == 7)
        #expect(table.currencies == ["EUR", "GBP", "USD"])
        #expect(table.sourceLabel == "test table, retrieved 2026-12-01")
        #expect(DealFXDay.iso(table.firstDay) == "2023-10-26")
        #expect(DealFXDay.iso(table.lastDay) == "2023-10-31")
        let rate = try #require(table.rate("GBP", onOrBefore: DealFXDay.number(year: 2023, month: 10, day: 27)))
        #expect(rate.text == "0.87023")
        #expect(rate.value == 87023 && rate.decimals == 5)
    }

    @Test("a day's rate is the nearest earlier publication: a Sunday takes Friday's")
    func nearestEarlier() throws {
        let table = try DealFXTable(bytes: DealFXTableWriter.october)
        let normalized = table.normalize(Self.money(100, 0, "EUR"), to: "USD", at: Self.date(2023, 10, 29))
        #expect(normalized.status == .converted)
        #expect(normalized.amount == Self.money(105, 410_000_000, "USD"))
        #expect(normalized.rate.date == Self.date(2023, 10, 27))
        #expect(normalized.rate.rate == "1.0541")
        #expect(normalized.rate.fromPerEuro == "1" && normalized.rate.toPerEuro == "1.0541")
        #expect(normalized.rate.source == "test table, retrieved 2026-12-01")
    }

    @Test("cross rates go through EUR exactly and round once, half to even, to a nano")
    func crossRate() throws {
        let table = try DealFXTable(bytes: DealFXTableWriter.october)
        // 100 USD at 1.0541 USD/EUR and 0.87023 GBP/EUR: 100 × 0.87023 / 1.0541 = 82.55668342662... GBP.
        let normalized = table.normalize(Self.money(100, 0, "USD"), to: "GBP", at: Self.date(2023, 10, 27))
        #expect(normalized.status == .converted)
        #expect(normalized.amount == Self.money(82, 556_683_427, "GBP"))
        #expect(normalized.rate.rate == "0.825566834266")

        // A tie: 1 nano at a rate of exactly 1/2 is half a nano, rounded to the even 0; 3 nanos to 2.
        let halves = try DealFXTable(
            bytes: DealFXTableWriter.table(
                currencies: ["USD", "GBP"],
                days: [("2024-01-02", ["USD": "2", "GBP": "1"])]
            )
        )
        let day = Self.date(2024, 1, 2)
        #expect(halves.normalize(Self.money(0, 1, "USD"), to: "GBP", at: day).amount.nanos == 0)
        #expect(halves.normalize(Self.money(0, 3, "USD"), to: "GBP", at: day).amount.nanos == 2)
        #expect(halves.normalize(Self.money(0, 5, "USD"), to: "GBP", at: day).amount.nanos == 2)
    }

    @Test("the two legs come from one day both currencies were published")
    func commonDay() throws {
        let table = try DealFXTable(bytes: DealFXTableWriter.october)
        // GBP has no rate on the 30th: both legs come from the 27th.
        let normalized = table.normalize(Self.money(1, 0, "USD"), to: "GBP", at: Self.date(2023, 10, 30))
        #expect(normalized.rate.date == Self.date(2023, 10, 27))
        #expect(normalized.rate.fromPerEuro == "1.0541")
    }

    @Test("a month-precision date takes the month's last publication (end of period)")
    func endOfPeriod() throws {
        let table = try DealFXTable(bytes: DealFXTableWriter.october)
        let normalized = table.normalize(Self.money(1, 0, "EUR"), to: "USD", at: Self.date(2023, 10))
        #expect(normalized.rate.date == Self.date(2023, 10, 31))
        #expect(normalized.amount == Self.money(1, 63_200_000, "USD"))
        // November has no publication in the table: October's rate is not November's.
        let november = table.normalize(Self.money(1, 0, "EUR"), to: "USD", at: Self.date(2023, 11))
        #expect(november.status == .rateUnknown)
        #expect(november.reason.contains("2023-11-01 to 2023-11-30"), "\(november.reason)")
    }

    @Test("unknown rates are reported with the reason, the amount is kept")
    func unknown() throws {
        let table = try DealFXTable(bytes: DealFXTableWriter.october)
        let tooLate = table.normalize(Self.money(5, 0, "EUR"), to: "USD", at: Self.date(2023, 11, 20))
        #expect(tooLate.status == .rateUnknown)
        #expect(!tooLate.hasAmount)
        let before = table.normalize(Self.money(5, 0, "EUR"), to: "USD", at: Self.date(1998, 12, 31))
        #expect(before.status == .rateUnknown)
        let currency = table.normalize(Self.money(5, 0, "AED"), to: "USD", at: Self.date(2023, 10, 27))
        #expect(currency.status == .rateUnknown)
        #expect(currency.reason.contains("no rates for AED"), "\(currency.reason)")
        let undated = table.normalize(Self.money(5, 0, "EUR"), to: "USD", at: nil)
        #expect(undated.status == .noDate)
        let same = table.normalize(Self.money(5, 0, "USD"), to: "USD", at: nil)
        #expect(same.status == .sameCurrency && same.amount == Self.money(5, 0, "USD"))
    }

    @Test("a damaged table is refused with a reason, never read wrong")
    func damaged() throws {
        let bytes = DealFXTableWriter.october
        #expect(throws: DealFXTableError.self) { try DealFXTable(bytes: Array(bytes.dropLast())) }
        #expect(throws: DealFXTableError.self) { try DealFXTable(bytes: bytes + [1]) }
        #expect(throws: DealFXTableError.self) { try DealFXTable(bytes: Array("not a table\n\n".utf8)) }
        #expect(throws: DealFXTableError.self) { try DealFXTable(bytes: Array(bytes.prefix(30))) }
        do {
            _ = try DealFXTable(bytes: Array(bytes.dropLast()))
        } catch {
            #expect(error.code == .malformed)
        }
    }

    @Test("civil day numbers round-trip")
    func days() {
        for day in Int32(-800_000)...Int32(800_000) where day % 997 == 0 {
            let (year, month, dayOfMonth) = DealFXDay.civil(day)
            #expect(DealFXDay.number(year: year, month: month, day: dayOfMonth) == day)
        }
        #expect(DealFXDay.iso(DealFXDay.number(year: 1999, month: 1, day: 4)) == "1999-01-04")
        #expect(DealFXDay.number(yyyymmdd: 20_230_431) == DealFXDay.number(year: 2023, month: 4, day: 30))
    }
}
