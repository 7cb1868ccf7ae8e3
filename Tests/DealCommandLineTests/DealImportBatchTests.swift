import DealCommandLine
import DealModel
import DealProtocol
import Testing

@Suite("Deal import batch") struct DealImportBatchTests {
    @Test("export format round trips through import parsing") func exportFormatRoundTripsThroughImportParsing() throws {
        var organization = Dealstore_V1_DealRecord()
        organization.organization.id = "anthropic"
        organization.organization.name = "Anthropic"
        var deal = Dealstore_V1_DealRecord()
        deal.deal = DealTestFixtures.amazonAnthropic
        let text = try DealOutputDocument(
            columns: [],
            tableRows: [],
            csvHeader: [],
            csvRows: [],
            records: [organization, deal]
        ).render(as: .jsonl)
        let batch = DealImportBatch(jsonLines: text)
        #expect(batch.badLines.isEmpty)
        #expect(batch.records == [organization, deal])
        #expect(batch.lineNumbers == [1, 2])
    }

    @Test("summary maps rejections back to line numbers") func summaryMapsRejectionsBackToLineNumbers() {
        let batch = DealImportBatch(
            jsonLines: """
                {"organization": {"id": "a", "name": "A"}}
                {oops

                {"deal": {"id": "bad-deal"}}
                {}
                """
        )
        #expect(batch.records.count == 2)
        #expect(batch.lineNumbers == [1, 4])
        #expect(batch.badLines.map(\.line) == [2, 5])
        var response = Dealstore_V1_ImportDealsResponse()
        response.created = 1
        var rejection = Dealstore_V1_ImportRejection()
        rejection.index = 1
        rejection.id = "bad-deal"
        rejection.reason = "target_id is required"
        response.rejected = [rejection]
        let summary = batch.summary(of: response)
        #expect(summary.contains("line 4 (bad-deal): rejected, target_id is required"))
        #expect(summary.first?.hasPrefix("line 2: skipped") == true)
        #expect(summary.last == "created 1, updated 0, skipped 0, rejected 3 (2 unreadable lines)")
    }

    @Test("progress bar draws only on change") func progressBarDrawsOnlyOnChange() {
        let captured = DealCapturedOutput()
        let bar = DealProgressBar(total: 200, label: "importing", write: captured.output.writeError)
        bar.update(1)
        bar.update(1)
        bar.update(100)
        bar.update(200)
        bar.finish()
        let draws = captured.standardError.split(separator: "\r").filter { $0.hasPrefix("importing") }
        #expect(draws.count == 3)
        #expect(draws.last?.contains("100% (200/200)") == true)
    }
}
