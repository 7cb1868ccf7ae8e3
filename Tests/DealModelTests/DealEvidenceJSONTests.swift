import DealModel
import Foundation
import SwiftProtobuf
import Testing

/// The evidence fields in the JSON Lines form and on the wire: new fields only, so older lines and bytes still read.
@Suite("Evidence in the data model")
struct DealEvidenceJSONTests {
    /// A line as written before evidence existed (the bundled dataset's former shape).
    static let oldLine =
        #"{"deal":{"id":"d1","targetId":"anthropic","tranches":[{"id":"t1","investorId":"amazon","#
        + #""amount":{"currencyCode":"USD","units":"5"},"sourceIds":["s1"]}],"#
        + #""sources":[{"id":"s1","publisher":"P","language":"fr"}]}}"#

    @Test("a line from before evidence decodes unchanged, with no evidence")
    func oldLineDecodes() throws {
        let record = try Dealstore_V1_DealRecord(jsonString: Self.oldLine)
        #expect(record.deal.tranches.first?.sourceIds == ["s1"])
        #expect(record.deal.tranches.first?.evidence.isEmpty == true)
        #expect(record.deal.sources.first?.excerpts.isEmpty == true)
        // And its binary form is what it was: the new fields add no bytes when unset.
        let bytes: [UInt8] = try record.serializedBytes()
        let reread = try Dealstore_V1_DealRecord(serializedBytes: bytes)
        #expect(reread == record)
    }

    @Test("excerpts, evidence and facts round-trip through a JSON line under their camelCase names")
    func evidenceRoundTrips() throws {
        let line =
            #"{"deal":{"id":"d1","sources":[{"id":"s1","derivedFromSourceIds":["s2"],"excerpts":[{"id":"e1","#
            + #""text":"1,25 milliard de dollars","translation":"1.25 billion dollars","paragraph":2,"sentence":1}]},"#
            + #"{"id":"s2"}],"evidence":[{"field":"amount","excerptIds":["e1"],"inference":"as stated"}]}}"#
        let record = try Dealstore_V1_DealRecord(jsonString: line)
        let excerpt = try #require(record.deal.sources.first?.excerpts.first)
        #expect(excerpt.text == "1,25 milliard de dollars")
        #expect(excerpt.paragraph == 2 && excerpt.sentence == 1)
        #expect(record.deal.sources.first?.derivedFromSourceIds == ["s2"])
        #expect(record.deal.evidence.first?.excerptIds == ["e1"])
        #expect(try Dealstore_V1_DealRecord(jsonString: record.jsonString()) == record)

        let organization =
            #"{"organization":{"id":"openai","name":"OpenAI","facts":[{"id":"f1","property":"founded","#
            + #""value":"2015","date":{"year":2015,"precision":"DATE_PRECISION_YEAR"},"sourceIds":["s1"],"#
            + #""evidence":[{"field":"date","excerptIds":["e1"]}]}]}}"#
        let fact = try #require(try Dealstore_V1_DealRecord(jsonString: organization).organization.facts.first)
        #expect(fact.date.year == 2015)
        #expect(fact.evidence.first?.field == "date")
    }
}
