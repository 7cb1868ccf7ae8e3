import DealModel
import DealProtocol
import DealStore

extension DealOrganizationsService {
    /// MergeOrganizations (issue 18 part 5): one durable write in the store, answered once it is durable.
    func mergeOrganizations(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_MergeOrganizationsRequest) in
            store.mergeOrganizations(
                request.sourceID,
                into: request.targetID,
                sourceEtag: request.sourceEtag,
                targetEtag: request.targetEtag,
                validateOnly: request.validateOnly
            ) { result in
                writer.complete(
                    result.map { merge in
                        var response = Dealstore_V1_MergeOrganizationsResponse()
                        response.organization = merge.organization
                        response.updatedDealIds = merge.updatedDealIDs
                        response.updatedOrganizationIds = merge.updatedOrganizationIDs
                        response.revision = merge.revision
                        return response
                    }
                )
            }
        }
    }
}
