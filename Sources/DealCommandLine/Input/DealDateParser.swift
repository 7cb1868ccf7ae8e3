public import DealModel

/// Parses dates with their precision into ``Dealstore_V1_PartialDate``.
///
/// Accepted: `2019` (year), `2023-09`, `Sep 2023`, `September 2023`, `09/2023` (month), `Q3-2023`, `Q3 2023`,
/// `2023-Q3` (quarter, stored as the quarter's last month), `2023-10-27`, `27 Oct 2023`, `Oct 27, 2023` (day).
/// Month names are English or French, full or abbreviated, any case.
public enum DealDateParser {
    /// The forms accepted, for error messages and help texts.
    public static let acceptedForms = "2023, 2023-09, Sep 2023, Q3-2023, 2023-Q3, 2023-10-27, 27 Oct 2023"

    /// Parses `text`, or throws ``DealInputError`` naming the input and the accepted forms.
    public static func parse(_ text: String) throws(DealInputError) -> Dealstore_V1_PartialDate {
        let tokens = Self.tokens(text)
        guard let date = Self.date(from: tokens), Self.isValid(date) else {
            throw DealInputError(
                "invalid date \"\(text)\"; expected forms like \(Self.acceptedForms)"
            )
        }
        return date
    }

    /// Splits on spaces, dashes, slashes, dots and commas, and separates "Q3" from "2023" in "Q32023"-like text.
    private static func tokens(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { " -/.,\u{00A0}".contains($0) }).map(String.init)
    }

    private static func date(from tokens: [String]) -> Dealstore_V1_PartialDate? {
        switch tokens.count {
        case 1:
            guard let year = Self.year(tokens[0]) else { return nil }
            return Self.make(year: year, month: 0, day: 0, precision: .year)
        case 2:
            let (a, b) = (tokens[0], tokens[1])
            if let quarter = Self.quarter(a), let year = Self.year(b) {
                return Self.make(year: year, month: quarter * 3, day: 0, precision: .quarter)
            }
            if let year = Self.year(a), let quarter = Self.quarter(b) {
                return Self.make(year: year, month: quarter * 3, day: 0, precision: .quarter)
            }
            if let year = Self.year(a), let month = Self.month(b) {
                return Self.make(year: year, month: month, day: 0, precision: .month)
            }
            if let month = Self.month(a), let year = Self.year(b) {
                return Self.make(year: year, month: month, day: 0, precision: .month)
            }
            return nil
        case 3:
            let (a, b, c) = (tokens[0], tokens[1], tokens[2])
            if let year = Self.year(a), let month = Self.month(b), let day = Self.day(c) {
                return Self.make(year: year, month: month, day: day, precision: .day)
            }
            if let day = Self.day(a), let month = Self.month(b), let year = Self.year(c) {
                return Self.make(year: year, month: month, day: day, precision: .day)
            }
            if let month = Self.monthName(a), let day = Self.day(b), let year = Self.year(c) {
                return Self.make(year: year, month: month, day: day, precision: .day)
            }
            return nil
        default:
            return nil
        }
    }

    private static func make(
        year: Int,
        month: Int,
        day: Int,
        precision: Dealstore_V1_DatePrecision
    )
        -> Dealstore_V1_PartialDate
    {
        var date = Dealstore_V1_PartialDate()
        date.year = Int32(year)
        date.month = Int32(month)
        date.day = Int32(day)
        date.precision = precision
        return date
    }

    private static func year(_ token: String) -> Int? {
        guard token.count == 4, let value = Int(token), value >= 1000 else { return nil }
        return value
    }

    private static func quarter(_ token: String) -> Int? {
        guard token.count == 2, token.first == "q", let value = Int(token.dropFirst()), (1...4).contains(value)
        else { return nil }
        return value
    }

    private static func day(_ token: String) -> Int? {
        guard (1...2).contains(token.count), let value = Int(token), (1...31).contains(value) else { return nil }
        return value
    }

    private static func month(_ token: String) -> Int? {
        if (1...2).contains(token.count), let value = Int(token), (1...12).contains(value) {
            return value
        }
        return Self.monthName(token)
    }

    private static let monthNames: [[String]] = [
        ["jan", "january", "janv", "janvier"],
        ["feb", "february", "fev", "fevr", "février", "fevrier", "févr"],
        ["mar", "march", "mars"],
        ["apr", "april", "avr", "avril"],
        ["may", "mai"],
        ["jun", "june", "juin"],
        ["jul", "july", "juil", "juillet"],
        ["aug", "august", "aout", "août"],
        ["sep", "sept", "september", "septembre"],
        ["oct", "october", "octobre"],
        ["nov", "november", "novembre"],
        ["dec", "december", "déc", "décembre", "decembre"],
    ]

    private static func monthName(_ token: String) -> Int? {
        Self.monthNames.firstIndex(where: { $0.contains(token) }).map { $0 + 1 }
    }

    private static func isValid(_ date: Dealstore_V1_PartialDate) -> Bool {
        guard date.precision == .day else { return true }
        let daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard date.day <= daysInMonth[Int(date.month) - 1] else { return false }
        if date.month == 2 && date.day == 29 {
            let year = date.year
            return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        }
        return true
    }
}
