public import DealModel
public import DealProtocol

/// Organizations, as `deals orgs add`, `update` and `delete` write them.
public enum DealOrganizationRecords: DealRecordKind {
    public typealias Record = Dealstore_V1_Organization
    public typealias UpdateRequest = Dealstore_V1_UpdateOrganizationRequest
    public typealias DeleteRequest = Dealstore_V1_DeleteOrganizationRequest
    public typealias DeleteResponse = Dealstore_V1_DeleteOrganizationResponse

    public static let noun = "organization"
    public static let messageName = "an Organization"
    public static let idHelp = "The organization id."
    public static let methods = (
        create: DealMethod.createOrganization, update: DealMethod.updateOrganization,
        delete: DealMethod.deleteOrganization
    )
    public static var updatedRecord: WritableKeyPath<UpdateRequest, Record> { \.organization }

    public static func assign(_ assignments: [String], to organization: inout Record) throws -> [String] {
        try DealFieldAssignments.apply(assignments, to: &organization)
    }

    public static func view(_ organization: Dealstore_V1_Organization) -> DealOutputDocument {
        DealViews.organization(organization)
    }
}
