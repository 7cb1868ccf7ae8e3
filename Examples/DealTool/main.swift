// The tool that Sources/DealClient/DealClient.docc/GettingStarted.md builds, step by step. Every ```swift block of
// the article is a verbatim excerpt of this file (DealGettingStartedTests checks it and runs this tool against a
// fresh dealsd).
import DealClient

// Settings found the way `deals` finds them: DEALS_* variables, the profile file, or the local dealsd.
let configuration = try DealClientConfiguration.resolve()

do {
    try await withDealClient(configuration: configuration) { client in
        // Every deal Amazon took part in, across every page.
        var byAmazon = DealFilter()
        byAmazon.investorIds = ["amazon"]
        for try await deal in client.listDeals(filter: byAmazon, order: "announced") {
            print("amazon deal: \(deal.id) \(deal.amount.formatted)")
        }

        // A new organization, and a deal in which Amazon invests in it.
        var startup = DealOrganization()
        startup.name = "Example Robotics"
        startup.kind = .company
        startup = try await client.createOrganization(startup)

        var lead = DealParticipation()
        lead.investorID = "amazon"
        lead.role = .lead
        lead.committed = try DealMoney(parsing: "$12.5M")
        var deal = Deal()
        deal.targetID = startup.id
        deal.type = .seed
        deal.status = .announced
        deal.title = "Amazon leads Example Robotics' seed round"
        deal.amount = try DealMoney(parsing: "$12.5M")
        deal.participations = [lead]
        deal = try await client.createDeal(deal)
        print("created: \(deal.id) \(deal.amount.formatted)")

        // The watch is live once `watch()` returns: the update below is always delivered.
        let watch = try await client.watch()

        // Change the amount, guarded by the etag we read; the mask is computed from what the closure changed.
        let updated = try await client.updateDeal(id: deal.id, etag: deal.meta.etag) { deal in
            deal.amount = try DealMoney(parsing: "$15M")
        }
        print("updated: \(updated.amount.formatted)")

        // The etag we read is stale now: the server refuses the update instead of overwriting.
        do {
            _ = try await client.updateDeal(id: deal.id, etag: deal.meta.etag) { deal in
                deal.notes = "written from a stale copy"
            }
        } catch let error as DealRPCError where error.code == .aborted {
            print("stale etag refused: \(error.code.name)")
        }

        // The change the update made, with its revision.
        for try await change in watch {
            print("watched: revision \(change.revision) \(change.kind) \(change.record.deal.amount.formatted)")
            break
        }

        // Committed totals by investor.
        for group in try await client.summarizeDeals(by: .investor) {
            let totals = group.totals.map { $0.committed.formatted }.joined(separator: ", ")
            print("total: \(group.label) \(totals)")
        }

        // A deal that does not exist.
        do {
            _ = try await client.getDeal(id: "no-such-deal")
        } catch let error as DealRPCError where error.code == .notFound {
            print("missing: \(error.message)")
        }
    }
} catch let error as DealRPCError {
    print("dealtool: \(error.code.name): \(error.message)")
    throw error
}
