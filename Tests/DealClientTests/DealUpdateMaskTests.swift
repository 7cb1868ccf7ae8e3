import Testing

@testable import DealClient

@Suite("updateDeal's mask: the top-level fields the change edited, by their proto names")
struct DealUpdateMaskTests {
    @Test("edited fields are named in snake_case; untouched ones, id and meta never are")
    func maskNamesChangedFields() throws {
        var before = Deal()
        before.id = "a-deal"
        before.targetID = "anthropic"
        before.title = "Old title"
        before.amount = try DealMoney(parsing: "$1B")
        before.meta.etag = "e1"
        var after = before
        after.title = "New title"
        after.commitmentCap = try DealMoney(parsing: "$4B")
        after.meta.etag = "e2"
        #expect(try DealClient.changedFields(from: before, to: after) == ["commitment_cap", "title"])
    }

    @Test("clearing a field names it, so the server clears it too")
    func clearedFieldIsNamed() throws {
        var before = Deal()
        before.notes = "to be removed"
        before.participations = [DealParticipation()]
        var after = before
        after.notes = ""
        after.participations = []
        #expect(try DealClient.changedFields(from: before, to: after) == ["notes", "participations"])
    }

    @Test("no change, no fields")
    func noChange() throws {
        var deal = Deal()
        deal.title = "Same"
        #expect(try DealClient.changedFields(from: deal, to: deal).isEmpty)
    }
}
