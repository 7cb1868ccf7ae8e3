/// Calendar arithmetic on days since 1970-01-01 (proleptic Gregorian), without Foundation: the FX table's days
/// and the dates rates are looked up for.
///
/// After Howard Hinnant's `days_from_civil` and `civil_from_days`; every input is clamped so nothing traps.
public enum DealFXDay {
    /// The day number of `year`-`month`-`day`; a day past the month's end rolls into the next month.
    public static func number(year: Int, month: Int, day: Int) -> Int32 {
        let year = min(max(year, -100_000), 100_000)
        let month = min(max(month, 1), 12)
        let day = min(max(day, 1), 31)
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int32(era * 146_097 + dayOfEra - 719_468)
    }

    /// The day number of a `yyyymmdd` integer (the store's index form); a day past the month's end (`20230431`,
    /// the index's "end of month") is the month's last day.
    public static func number(yyyymmdd value: Int32) -> Int32 {
        let year = Int(value / 10_000)
        let month = Int(value / 100 % 100)
        let day = Int(value % 100)
        return min(Self.number(year: year, month: month, day: day), Self.lastOfMonth(year: year, month: month))
    }

    /// The last day number of `year`-`month`.
    public static func lastOfMonth(year: Int, month: Int) -> Int32 {
        let month = min(max(month, 1), 12)
        return month == 12
            ? Self.number(year: year, month: 12, day: 31)
            : Self.number(year: year, month: month + 1, day: 1) - 1
    }

    /// The calendar date of a day number.
    public static func civil(_ number: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(number) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `yyyy-mm-dd` of a day number.
    public static func iso(_ number: Int32) -> String {
        let (year, month, day) = Self.civil(number)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// The first and last day a partial date can denote (a DAY date is one day; a QUARTER date its three months).
    public static func range(of date: Dealstore_V1_PartialDate) -> (first: Int32, last: Int32) {
        let year = Int(date.year)
        let month = Int(date.month)
        switch date.precision {
        case .day:
            let day = Self.number(year: year, month: month, day: Int(date.day))
            return (day, day)
        case .month:
            return (Self.number(year: year, month: month, day: 1), Self.lastOfMonth(year: year, month: month))
        case .quarter:
            return (Self.number(year: year, month: month - 2, day: 1), Self.lastOfMonth(year: year, month: month))
        default:
            return (Self.number(year: year, month: 1, day: 1), Self.number(year: year, month: 12, day: 31))
        }
    }
}
