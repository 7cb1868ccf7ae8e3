public import DealModel
public import DealStore

/// The deterministic write sequence of the crash test, shared by the crash writer and DealStoreTests.
///
/// Op 0 and 1 create the organizations; from op 2 on, op `i` with `i % 3 == 1` updates the notes of the deal op
/// `i - 1` created, and every other op creates deal `c-i`. Whether op `i` is applied can be read back from the
/// state, so a restarted writer knows where to resume.
public enum DealCrashScenario {
    public static func deal(_ index: Int) -> Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = "c-\(index)"
        deal.targetID = "target"
        deal.type = .venture
        deal.status = .announced
        deal.title = "crash deal \(index)"
        deal.amount.currencyCode = "USD"
        deal.amount.units = Int64(index) * 1_000
        var participation = Dealstore_V1_Participation()
        participation.investorID = "investor"
        participation.role = .lead
        participation.committed = deal.amount
        deal.participations = [participation]
        return deal
    }

    public static func isUpdate(_ index: Int) -> Bool {
        index >= 4 && index % 3 == 1
    }

    public static func apply(_ index: Int, to store: DealStore) async throws {
        switch index {
        case 0, 1:
            var organization = Dealstore_V1_Organization()
            organization.id = index == 0 ? "target" : "investor"
            organization.name = index == 0 ? "Target" : "Investor"
            _ = try await store.createOrganization(organization)
        case _ where Self.isUpdate(index):
            var patch = Dealstore_V1_Deal()
            patch.id = "c-\(index - 1)"
            patch.notes = "u-\(index)"
            _ = try await store.updateDeal(patch, updateMask: ["notes"])
        default:
            _ = try await store.createDeal(Self.deal(index))
        }
    }

    public static func isApplied(_ index: Int, in store: DealStore) -> Bool {
        switch index {
        case 0: (try? store.organization(id: "target")) != nil
        case 1: (try? store.organization(id: "investor")) != nil
        case _ where Self.isUpdate(index): (try? store.deal(id: "c-\(index - 1)"))?.notes == "u-\(index)"
        default: (try? store.deal(id: "c-\(index)")) != nil
        }
    }

    /// The number of ops applied (they are applied in order).
    public static func progress(of store: DealStore) -> Int {
        var index = 0
        while Self.isApplied(index, in: store) { index += 1 }
        return index
    }
}
