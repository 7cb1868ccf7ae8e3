import DealModel
import DealProtocol
import DealStore

/// `dealstore.v1.Organizations`: the organization methods, served from the store.
struct DealOrganizationsService: DealRegistrableService {
    let store: DealStore

    func registerMethods(with registry: inout DealServerMethodRegistry) {
        registry.register(.getOrganization) { _, writer in self.getOrganization(writer) }
        registry.register(.listOrganizations) { _, writer in self.listOrganizations(writer) }
        registry.register(.createOrganization) { _, writer in self.createOrganization(writer) }
        registry.register(.updateOrganization) { _, writer in self.updateOrganization(writer) }
        registry.register(.deleteOrganization) { _, writer in self.deleteOrganization(writer) }
    }

    func getOrganization(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_GetOrganizationRequest) in
            try store.organization(id: request.id)
        }
    }

    func listOrganizations(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_ListOrganizationsRequest) in
            // 0 or negative is the default page size, applied by the store (DealPageSize).
            let page = try store.listOrganizations(
                pageSize: Int(request.pageSize),
                pageToken: request.pageToken,
                query: request.query,
                kind: request.kind
            )
            var response = Dealstore_V1_ListOrganizationsResponse()
            response.organizations = page.organizations
            response.nextPageToken = page.nextPageToken
            response.totalSize = Int64(page.totalSize)
            return response
        }
    }

    func createOrganization(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_CreateOrganizationRequest) in
            store.createOrganization(request.organization, validateOnly: request.validateOnly) {
                writer.complete($0)
            }
        }
    }

    func updateOrganization(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_UpdateOrganizationRequest) in
            store.updateOrganization(
                request.organization,
                updateMask: request.updateMask,
                expectedEtag: request.etag
            ) { writer.complete($0) }
        }
    }

    func deleteOrganization(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_DeleteOrganizationRequest) in
            store.deleteOrganization(id: request.id, expectedEtag: request.etag) { result in
                writer.complete(
                    result.map { revision in
                        var response = Dealstore_V1_DeleteOrganizationResponse()
                        response.revision = revision
                        return response
                    }
                )
            }
        }
    }
}
