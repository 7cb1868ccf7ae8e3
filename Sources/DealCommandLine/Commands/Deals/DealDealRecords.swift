public import DealModel
public import DealProtocol

/// Deals, as `deals add`, `update` and `delete` write them.
public enum DealDealRecords: DealRecordKind {
    public typealias Record = Dealstore_V1_Deal
    public typealias UpdateRequest = Dealstore_V1_UpdateDealRequest
    public typealias DeleteRequest = Dealstore_V1_DeleteDealRequest
    public typealias DeleteResponse = Dealstore_V1_DeleteDealResponse

    public static let noun = "deal"
    public static let messageName = "a Deal"
    public static let idHelp = "The deal id."
    public static let methods = (
        create: DealMethod.createDeal, update: DealMethod.updateDeal, delete: DealMethod.deleteDeal
    )
    public static var updatedRecord: WritableKeyPath<UpdateRequest, Record> { \.deal }

    public static func assign(_ assignments: [String], to deal: inout Dealstore_V1_Deal) throws -> [String] {
        try DealFieldAssignments.apply(assignments, to: &deal)
    }

    public static func view(_ deal: Dealstore_V1_Deal) -> DealOutputDocument {
        DealViews.deal(deal)
    }
}
