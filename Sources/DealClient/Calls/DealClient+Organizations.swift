import DealModel
import DealProtocol

extension DealClient {
    /// Fetches an organization by id, name or alias.
    public func getOrganization(
        _ request: Dealstore_V1_GetOrganizationRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_Organization {
        try await self.unary(.getOrganization, request: request, options: options)
    }

    /// Lists organizations, one page at a time.
    public func listOrganizations(
        _ request: Dealstore_V1_ListOrganizationsRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_ListOrganizationsResponse {
        try await self.unary(.listOrganizations, request: request, options: options)
    }

    /// Creates an organization; needs the write role.
    public func createOrganization(
        _ request: Dealstore_V1_CreateOrganizationRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_Organization {
        try await self.unary(.createOrganization, request: request, options: options)
    }

    /// Replaces the fields named in the update mask; a stale etag fails with ABORTED.
    public func updateOrganization(
        _ request: Dealstore_V1_UpdateOrganizationRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_Organization {
        try await self.unary(.updateOrganization, request: request, options: options)
    }

    /// Deletes an organization no deal refers to.
    public func deleteOrganization(
        _ request: Dealstore_V1_DeleteOrganizationRequest,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Dealstore_V1_DeleteOrganizationResponse {
        try await self.unary(.deleteOrganization, request: request, options: options)
    }
}
