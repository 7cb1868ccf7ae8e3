import DealModel
import Foundation
import SwiftProtobuf
import Testing

@Suite("The data model's JSON Lines form")
struct DealModelJSONTests {
    @Test("a record line names its kind and keeps money exact as units and nanos")
    func recordLine() throws {
        var deal = Dealstore_V1_Deal()
        deal.id = "amazon-anthropic-2023"
        deal.amount.currencyCode = "USD"
        deal.amount.units = 1_250_000_000
        deal.amount.nanos = 500_000_000
        var record = Dealstore_V1_DealRecord()
        record.deal = deal
        let line = try record.jsonString()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let amount = try #require((object["deal"] as? [String: Any])?["amount"] as? [String: Any])
        // int64 travels as a JSON string in protobuf's mapping, so no reader rounds it through a double.
        #expect(amount["units"] as? String == "1250000000")
        #expect(amount["nanos"] as? Int == 500_000_000)
        #expect(amount["currencyCode"] as? String == "USD")
        let back = try Dealstore_V1_DealRecord(jsonString: line)
        #expect(back == record)
    }

    @Test(
        "lines written by hand in either field spelling decode",
        arguments: [
            #"{"organization":{"id":"anthropic","name":"Anthropic","kind":"ORGANIZATION_KIND_AI_LAB"}}"#,
            #"{"organization":{"id":"anthropic","name":"Anthropic","kind":3}}"#,
        ]
    )
    func organizationLine(line: String) throws {
        let record = try Dealstore_V1_DealRecord(jsonString: line)
        #expect(record.organization.kind == .aiLab)
        #expect(record.organization.id == "anthropic")
    }

    @Test("a stake keeps its exact fraction and its approximate and upper-bound flags")
    func stake() throws {
        let line = #"{"numerator":"1","denominator":"2","approximate":true,"upperBound":true}"#
        let stake = try Dealstore_V1_Fraction(jsonString: line)
        #expect(stake.numerator == 1 && stake.denominator == 2)
        #expect(stake.approximate && stake.upperBound)
    }

    @Test("a line that is not a record is refused")
    func garbage() {
        #expect(throws: (any Error).self) {
            _ = try Dealstore_V1_DealRecord(jsonString: #"{"deal":{"amount":"lots"}}"#)
        }
    }
}
