import DealCommandLine
import DealModel
import Foundation
import SwiftProtobuf
import Testing

@Suite("Deal output document") struct DealOutputDocumentTests {
    let document = DealViews.deals([DealTestFixtures.amazonAnthropic, DealTestFixtures.googleAnthropic])

    @Test("json is a valid array of records in protobuf mapping") func jsonIsAValidArrayOfRecordsInProtobufMapping()
        throws
    {
        let text = try self.document.render(as: .json)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let array = try #require(parsed as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["id"] as? String == "amazon-anthropic-2023")
        #expect(array[0]["targetId"] as? String == "anthropic")
        #expect(array[0]["type"] as? String == "DEAL_TYPE_CORPORATE_STRATEGIC")
        let amount = try #require(array[0]["amount"] as? [String: Any])
        #expect(amount["units"] as? String == "1250000000")
        #expect(amount["currencyCode"] as? String == "USD")
        #expect(array[1]["title"] as? String == "Google takes ~10% of Anthropic")
    }

    @Test("json of one record is an object that parses back into the message")
    func jsonOfOneRecordIsAnObjectThatParsesBackIntoTheMessage() throws {
        let text = try DealViews.deal(DealTestFixtures.amazonAnthropic).render(as: .json)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        #expect((parsed as? [String: Any])?["id"] as? String == "amazon-anthropic-2023")
        #expect(try Dealstore_V1_Deal(jsonString: text) == DealTestFixtures.amazonAnthropic)
    }

    @Test("empty JSON is an empty array") func emptyJSONIsAnEmptyArray() throws {
        let text = try DealViews.deals([]).render(as: .json)
        #expect((try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any])?.isEmpty == true)
    }

    @Test("json lines has one parseable record per line") func jsonLinesHasOneParseableRecordPerLine() throws {
        let text = try self.document.render(as: .jsonl)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        let ids = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["id"] as? String
        }
        #expect(ids == ["amazon-anthropic-2023", "google-anthropic-2023-02"])
        #expect(try Dealstore_V1_Deal(jsonString: String(lines[1])) == DealTestFixtures.googleAnthropic)
    }

    @Test("csv has header exact amounts and quotes") func csvHasHeaderExactAmountsAndQuotes() throws {
        let text = try self.document.render(as: .csv)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("id,announced,target_id,investor_ids,type,status,amount,currency,"))
        #expect(
            lines[1]
                == "amazon-anthropic-2023,2023-09,anthropic,amazon,corporate-strategic,closed,1250000000,USD,"
                + "4000000000,USD,\"Amazon invests in Anthropic, \"\"up to\"\" $4B\",e1"
        )
    }

    @Test(
        "csv quoting",
        arguments: [
            (["plain", "with,comma"], "plain,\"with,comma\"\n"),
            (["say \"hi\""], "\"say \"\"hi\"\"\"\n"),
            (["two\nlines", ""], "\"two\nlines\",\n"),
        ]
    )
    func csvQuoting(_ cells: [String], _ expected: String) {
        #expect(DealOutputDocument.csvLine(cells) == expected)
    }

    @Test("table shows people formats and footer") func tableShowsPeopleFormatsAndFooter() throws {
        let document = DealViews.deals(
            [DealTestFixtures.amazonAnthropic, DealTestFixtures.googleAnthropic],
            footer: "2 deals"
        )
        let lines = try document.render(as: .table).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("ID"))
        #expect(lines[1].contains("Sep 2023"))
        #expect(lines[1].contains("$1.25B"))
        #expect(lines[1].contains("$4B"))
        #expect(lines[2].contains("$300M"))
        #expect(lines.last == "2 deals")
        // The amount column is right-aligned: both amounts end at the same column.
        let end1 = try #require(lines[1].range(of: "$1.25B")).upperBound.utf16Offset(in: lines[1])
        let end2 = try #require(lines[2].range(of: "$300M")).upperBound.utf16Offset(in: lines[2])
        #expect(end1 == end2)
    }

    @Test("deal detail lists parts and stake") func dealDetailListsPartsAndStake() throws {
        let text = try DealViews.deal(DealTestFixtures.amazonAnthropic).render(as: .table)
        #expect(text.contains("amount:     $1.25B"))
        #expect(text.contains("Tranches"))
        #expect(text.contains("option-exercise"))
        #expect(text.contains("$2.75B"))
        let google = try DealViews.deal(DealTestFixtures.googleAnthropic).render(as: .table)
        #expect(google.contains("~10%"))
        var minority = DealTestFixtures.amazonAnthropic
        minority.participations[0].stake.numerator = 1
        minority.participations[0].stake.denominator = 2
        minority.participations[0].stake.upperBound = true
        #expect(try DealViews.deal(minority).render(as: .table).contains("<50%"))
    }
}
