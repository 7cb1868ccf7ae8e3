import DealCommandLine
import DealModel
import Testing

@Suite("Deal date") struct DealDateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var year: Int32
        var month: Int32
        var day: Int32
        var precision: Dealstore_V1_DatePrecision
        var formatted: String

        var testDescription: String { self.input }
    }

    static let cases: [Case] = [
        Case(input: "2019", year: 2019, month: 0, day: 0, precision: .year, formatted: "2019"),
        Case(input: "2023-09", year: 2023, month: 9, day: 0, precision: .month, formatted: "Sep 2023"),
        Case(input: "Sep 2023", year: 2023, month: 9, day: 0, precision: .month, formatted: "Sep 2023"),
        Case(input: "september 2023", year: 2023, month: 9, day: 0, precision: .month, formatted: "Sep 2023"),
        Case(input: "septembre 2023", year: 2023, month: 9, day: 0, precision: .month, formatted: "Sep 2023"),
        Case(input: "Q3-2023", year: 2023, month: 9, day: 0, precision: .quarter, formatted: "Q3 2023"),
        Case(input: "Q1 2024", year: 2024, month: 3, day: 0, precision: .quarter, formatted: "Q1 2024"),
        Case(input: "2023-Q4", year: 2023, month: 12, day: 0, precision: .quarter, formatted: "Q4 2023"),
        Case(input: "27 Oct 2023", year: 2023, month: 10, day: 27, precision: .day, formatted: "27 Oct 2023"),
        Case(input: "2023-10-27", year: 2023, month: 10, day: 27, precision: .day, formatted: "27 Oct 2023"),
        Case(input: "Oct 27, 2023", year: 2023, month: 10, day: 27, precision: .day, formatted: "27 Oct 2023"),
        Case(input: "29 Feb 2024", year: 2024, month: 2, day: 29, precision: .day, formatted: "29 Feb 2024"),
    ]

    @Test("parses with precision and formats back", arguments: Self.cases)
    func parsesWithPrecisionAndFormatsBack(_ testCase: Case) throws {
        let date = try DealDateParser.parse(testCase.input)
        #expect(date.year == testCase.year)
        #expect(date.month == testCase.month)
        #expect(date.day == testCase.day)
        #expect(date.precision == testCase.precision)
        #expect(DealDateFormatter.format(date) == testCase.formatted)
    }

    @Test(
        "rejects invalid dates",
        arguments: ["Q5-2023", "2023-13", "31 Apr 2023", "29 Feb 2023", "yesterday", "", "23", "2023-09-27-1"]
    )
    func rejectsInvalidDates(_ input: String) {
        #expect(
            throws: DealInputError("invalid date \"\(input)\"; expected forms like \(DealDateParser.acceptedForms)")
        ) {
            try DealDateParser.parse(input)
        }
    }

    @Test("iso formatting for CSV") func isoFormattingForCSV() throws {
        #expect(DealDateFormatter.formatISO(try DealDateParser.parse("27 Oct 2023")) == "2023-10-27")
        #expect(DealDateFormatter.formatISO(try DealDateParser.parse("Sep 2023")) == "2023-09")
        #expect(DealDateFormatter.formatISO(try DealDateParser.parse("Q3 2023")) == "2023-Q3")
        #expect(DealDateFormatter.formatISO(try DealDateParser.parse("2019")) == "2019")
        #expect(DealDateFormatter.format(Dealstore_V1_PartialDate()) == "")
    }
}
