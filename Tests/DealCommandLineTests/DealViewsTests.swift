import DealCommandLine
import DealModel
import Foundation
import Testing

@Suite("Deal views") struct DealViewsTests {
    static func group(
        _ key: String,
        _ committed: Int64,
        funded: Int64,
        currency: String = "USD"
    )
        -> Dealstore_V1_SummaryGroup
    {
        var group = Dealstore_V1_SummaryGroup()
        group.key = key
        group.label = key.capitalized
        group.dealCount = 1
        var total = Dealstore_V1_CurrencyTotal()
        total.currencyCode = currency
        total.committed = DealTestFixtures.money(committed, currency)
        total.funded = DealTestFixtures.money(funded, currency)
        group.totals = [total]
        return group
    }

    let groups = [
        Self.group("microsoft", 11_000_000_000, funded: 11_000_000_000),
        Self.group("amazon", 4_000_000_000, funded: 4_000_000_000),
        Self.group("google", 2_300_000_000, funded: 800_000_000),
    ]

    @Test("totals draw bars scaled to the largest group") func totalsDrawBarsScaledToTheLargestGroup() throws {
        let text = try DealViews.totals(self.groups, funded: false).render(as: .table)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("Microsoft"))
        #expect(lines[1].contains("$11B"))
        #expect(lines[1].hasSuffix(String(repeating: "█", count: 30)))
        // 4/11 of 30 characters is 10.9: ten full blocks and a partial one.
        #expect(lines[2].hasSuffix(String(repeating: "█", count: 10) + "▉"))
        #expect(lines[3].contains("$2.3B"))
        #expect(lines[3].contains("$800M"))
    }

    @Test("funded totals draw funded bars") func fundedTotalsDrawFundedBars() throws {
        let text = try DealViews.totals(self.groups, funded: true).render(as: .table)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasSuffix("FUNDED"))
        // 0.8/11 of 30 is 2.18 characters.
        #expect(lines[3].hasSuffix("██▎") || lines[3].hasSuffix("██▏"))
    }

    @Test("totals CSV and JSON are exact") func totalsCSVAndJSONAreExact() throws {
        let csv = try DealViews.totals(self.groups, funded: false).render(as: .csv)
        #expect(csv.split(separator: "\n")[1] == "microsoft,Microsoft,1,USD,11000000000,11000000000")
        let json = try DealViews.totals(self.groups, funded: false).render(as: .json)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(array.map { $0["key"] as? String } == ["microsoft", "amazon", "google"])
    }

    @Test("change lines") func changeLines() {
        var event = Dealstore_V1_ChangeEvent()
        event.revision = 42
        event.kind = .updated
        event.record.deal = DealTestFixtures.googleAnthropic
        #expect(
            DealViews.changeLine(event)
                == "rev 42  updated  deal google-anthropic-2023-02  \"Google takes ~10% of Anthropic\"  $300M"
        )
    }

    @Test("enum names round trip") func enumNamesRoundTrip() throws {
        #expect(DealEnumNames.name(Dealstore_V1_DealType.corporateStrategic) == "corporate-strategic")
        for spelling in [
            "corporate-strategic", "CORPORATE_STRATEGIC", "DEAL_TYPE_CORPORATE_STRATEGIC", "corporate strategic",
        ] {
            #expect(
                try DealEnumNames.parse(spelling, as: Dealstore_V1_DealType.self, what: "deal type")
                    == .corporateStrategic
            )
        }
        #expect(throws: DealInputError.self) {
            try DealEnumNames.parse("strategic-ish", as: Dealstore_V1_DealType.self, what: "deal type")
        }
    }
}

@Suite("Deal slug") struct DealSlugTests {
    @Test(
        "slugs",
        arguments: [
            ("Mistral AI", "mistral-ai"),
            ("Société Générale", "societe-generale"),
            ("  Amazon.com, Inc. ", "amazon-com-inc"),
            ("OpenAI", "openai"),
            ("42 Capital", "42-capital"),
        ]
    )
    func slugs(_ name: String, _ slug: String) {
        #expect(DealSlug.make(from: name) == slug)
    }
}
