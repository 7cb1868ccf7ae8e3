import DealCommandLine
import DealModel
import Testing

@testable import DealCommandLine

/// Stored text is printed to terminals and opened in spreadsheets: neither may run what a record holds.
@Suite("Deal terminal safety") struct DealTerminalSafetyTests {
    static func deal(title: String) -> Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = "d1"
        deal.targetID = "acme"
        deal.title = title
        return deal
    }

    @Test("table cells show escapes and control characters as \\u{..} instead of sending them")
    func tableCellsAreTerminalSafe() {
        let renderer = DealTableRenderer(columns: [.init("title"), .init("n")], maximumCellWidth: nil)
        let text = renderer.render([["Acme\u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{7}", "1"], ["a\rb\u{9B}c\u{202E}d", "2"]])
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D })
        #expect(!text.unicodeScalars.contains { (0x80..<0xA0).contains($0.value) || $0.value == 0x202E })
        #expect(text.contains(#"Acme\u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{7}"#))
        #expect(text.contains(#"a\u{D}b\u{9B}c\u{202E}d"#))
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test("detail views, list tables and watch lines of a deal with an escape in its title print it escaped")
    func viewsAreTerminalSafe() throws {
        let deal = Self.deal(title: "Evil\u{1B}[31m red\nsecond line")
        for text in [
            try DealViews.deal(deal).render(as: .table),
            try DealViews.deals([deal], footer: "1 deal \u{1B}[0m").render(as: .table),
        ] {
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B }, "\(text)")
            #expect(text.contains(#"Evil\u{1B}[31m red"#), "\(text)")
        }
        var event = Dealstore_V1_ChangeEvent()
        event.record.deal = deal
        let line = try DealsWatchCommand.render(event, as: .table)
        #expect(!line.unicodeScalars.contains { $0.value == 0x1B })
        #expect(line.split(separator: "\n").count == 1)
        // JSON stays exact: the escape is there, encoded as JSON encodes it.
        #expect(try DealViews.deal(deal).render(as: .json).contains(#"\u001B[31m"#))
    }

    @Test(
        "CSV cells a spreadsheet would run as formulas get a leading quote; plain negative numbers do not",
        arguments: [
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("-12.5", "-12.5"),
            ("-7", "-7"),
            ("-", "'-"),
            ("-1.2.3", "'-1.2.3"),
            ("a=b", "a=b"),
            ("12", "12"),
        ]
    )
    func csvCellsAreNeutralised(cell: String, expected: String) {
        #expect(DealOutputDocument.csvLine([cell, "x"]) == expected + ",x\n")
    }

    @Test("money beyond the store's maximum is refused with a clear error, never a trap")
    func moneyParserOverflow() {
        for input in ["999999999999999999999B", "9223372036854775808", "1000000000000001", "1001T"] {
            #expect {
                try DealMoneyParser().parse(input)
            } throws: { error in
                guard let error = error as? DealMoneyParseError else { return false }
                return error.reason.hasPrefix("too large: the maximum is 1,000,000,000,000,000 (10^15")
                    && error.description.contains(input)
            }
        }
        #expect((try? DealMoneyParser().parse("1000T"))?.units == 1_000_000_000_000_000)
    }

    @Test("a saturated total prints as at least the largest amount, in tables and CSV")
    func saturatedTotals() throws {
        var total = Dealstore_V1_CurrencyTotal()
        total.currencyCode = "USD"
        total.committed.currencyCode = "USD"
        total.committed.units = Int64.max
        total.committed.nanos = 999_999_999
        total.committedSaturated = true
        total.funded.currencyCode = "USD"
        total.funded.units = 5
        var group = Dealstore_V1_SummaryGroup()
        group.key = "acme"
        group.label = "Acme"
        group.dealCount = 10_000
        group.totals = [total]
        let document = DealViews.totals([group], funded: false)
        let table = try document.render(as: .table)
        #expect(table.contains("≥$9223372.04T"), "\(table)")
        let csv = try document.render(as: .csv)
        #expect(csv.contains(",>=9223372036854775807.999999999,5\n"), "\(csv)")
    }
}
