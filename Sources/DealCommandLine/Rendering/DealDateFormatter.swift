public import DealModel

/// Formats a ``Dealstore_V1_PartialDate`` at its precision: `27 Oct 2023`, `Sep 2023`, `Q1 2024`, `2019`.
public enum DealDateFormatter {
    private static let monthAbbreviations = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Formats for people; an unset date (year 0) prints as an empty string.
    public static func format(_ date: Dealstore_V1_PartialDate) -> String {
        guard date.year != 0 else { return "" }
        let month = Int(date.month)
        let monthName = (1...12).contains(month) ? Self.monthAbbreviations[month - 1] : ""
        switch date.precision {
        case .day:
            return "\(date.day) \(monthName) \(date.year)"
        case .month:
            return "\(monthName) \(date.year)"
        case .quarter:
            return "Q\((month + 2) / 3) \(date.year)"
        default:
            return "\(date.year)"
        }
    }

    /// Formats in a sortable ISO-like form for CSV: `2023-10-27`, `2023-09`, `2023-Q1`, `2019`.
    public static func formatISO(_ date: Dealstore_V1_PartialDate) -> String {
        guard date.year != 0 else { return "" }
        let month = Int(date.month)
        let twoDigitMonth = month < 10 ? "0\(month)" : "\(month)"
        switch date.precision {
        case .day:
            return "\(date.year)-\(twoDigitMonth)-\(date.day < 10 ? "0" : "")\(date.day)"
        case .month:
            return "\(date.year)-\(twoDigitMonth)"
        case .quarter:
            return "\(date.year)-Q\((month + 2) / 3)"
        default:
            return "\(date.year)"
        }
    }
}
