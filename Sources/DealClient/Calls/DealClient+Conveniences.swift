import Foundation
import SwiftProtobuf

extension DealClient {
    /// Fetches one deal by id; a missing deal fails with `.notFound`.
    public func getDeal(id: String, options: DealCallOptions = DealCallOptions()) async throws(DealRPCError) -> Deal {
        var request = Dealstore_V1_GetDealRequest()
        request.id = id
        return try await self.getDeal(request, options: options)
    }

    /// Every deal matching `filter`, in `order` (an `order_by` such as `"announced desc"`; `""` is the server's
    /// default), fetched page by page as the iteration reaches it.
    public func listDeals(
        filter: DealFilter = DealFilter(),
        order: String = "",
        pageSize: Int32 = 0,
        options: DealCallOptions = DealCallOptions()
    ) -> DealPages<Deal> {
        DealPages { token async throws(DealRPCError) in
            var request = Dealstore_V1_ListDealsRequest()
            request.filter = filter
            request.orderBy = order
            request.pageSize = pageSize
            request.pageToken = token
            let page = try await self.listDeals(request, options: options)
            return (page.deals, page.nextPageToken)
        }
    }

    /// Fetches an organization by id, name or alias; a missing one fails with `.notFound`.
    public func getOrganization(
        id: String,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> DealOrganization {
        var request = Dealstore_V1_GetOrganizationRequest()
        request.id = id
        return try await self.getOrganization(request, options: options)
    }

    /// Every organization whose name or alias matches `query` (`""` for all), of `kind` if given, page by page.
    public func listOrganizations(
        query: String = "",
        kind: Dealstore_V1_OrganizationKind = .unspecified,
        pageSize: Int32 = 0,
        options: DealCallOptions = DealCallOptions()
    ) -> DealPages<DealOrganization> {
        DealPages { token async throws(DealRPCError) in
            var request = Dealstore_V1_ListOrganizationsRequest()
            request.query = query
            request.kind = kind
            request.pageSize = pageSize
            request.pageToken = token
            let page = try await self.listOrganizations(request, options: options)
            return (page.organizations, page.nextPageToken)
        }
    }

    /// Creates a deal; needs the write role. An empty id is derived by the server (PROTOCOL.md, data conventions).
    public func createDeal(
        _ deal: Deal,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Deal {
        var request = Dealstore_V1_CreateDealRequest()
        request.deal = deal
        return try await self.createDeal(request, options: options)
    }

    /// Creates an organization; needs the write role. An empty id is derived from the name.
    public func createOrganization(
        _ organization: DealOrganization,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> DealOrganization {
        var request = Dealstore_V1_CreateOrganizationRequest()
        request.organization = organization
        return try await self.createOrganization(request, options: options)
    }

    /// Totals of committed and funded money of the deals matching `filter`, grouped `by` investor, target, year,
    /// quarter or deal type, per currency.
    public func summarizeDeals(
        by grouping: Dealstore_V1_SummaryGrouping,
        filter: DealFilter = DealFilter(),
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> [DealSummaryGroup] {
        var request = Dealstore_V1_SummarizeDealsRequest()
        request.groupBy = grouping
        request.filter = filter
        return try await self.summarizeDeals(request, options: options).groups
    }

    /// Reads deal `id`, lets `change` edit it, and sends only the fields it changed (their names as the update
    /// mask), guarded by `etag`.
    ///
    /// With `etag` `nil` the etag just read guards the update, so a concurrent change between the read and the
    /// write fails with `.aborted` instead of being overwritten; pass the etag of the copy the
    /// change is based on to refuse an update of a deal that changed since. Returns the deal as stored. A change
    /// that edits nothing sends nothing (an empty mask would mean "replace every field") and returns the deal as
    /// read.
    // Runs on the caller's actor, so `change` (which may touch the caller's state) is never sent elsewhere.
    nonisolated(nonsending) public func updateDeal(
        id: String,
        etag: String? = nil,
        options: DealCallOptions = DealCallOptions(),
        _ change: (inout Deal) throws -> Void
    ) async throws -> Deal {
        let current = try await self.getDeal(id: id, options: options)
        var changed = current
        try change(&changed)
        let mask = try Self.changedFields(from: current, to: changed)
        if mask.isEmpty {
            return current
        }
        var request = Dealstore_V1_UpdateDealRequest()
        request.deal = changed
        request.deal.id = id
        request.updateMask = mask
        request.etag = etag ?? current.meta.etag
        return try await self.updateDeal(request, options: options)
    }

    /// Reads organization `id`, lets `change` edit it, and sends only the fields it changed, guarded by `etag`
    /// (`nil`: the etag just read), as ``updateDeal(id:etag:options:_:)`` does.
    nonisolated(nonsending) public func updateOrganization(
        id: String,
        etag: String? = nil,
        options: DealCallOptions = DealCallOptions(),
        _ change: (inout DealOrganization) throws -> Void
    ) async throws -> DealOrganization {
        let current = try await self.getOrganization(id: id, options: options)
        var changed = current
        try change(&changed)
        let mask = try Self.changedFields(from: current, to: changed)
        if mask.isEmpty {
            return current
        }
        var request = Dealstore_V1_UpdateOrganizationRequest()
        request.organization = changed
        request.organization.id = current.id
        request.updateMask = mask
        request.etag = etag ?? current.meta.etag
        return try await self.updateOrganization(request, options: options)
    }

    /// The top-level fields (proto names, as update masks take them) whose values differ; `meta` and `id` are the
    /// server's and never sent in a mask.
    static func changedFields(
        from old: some SwiftProtobuf.Message,
        to new: some SwiftProtobuf.Message
    ) throws(DealRPCError) -> [String] {
        func fields(_ message: some SwiftProtobuf.Message) throws(DealRPCError) -> [String: Data] {
            do {
                var options = JSONEncodingOptions()
                options.preserveProtoFieldNames = true
                let data = try message.jsonUTF8Data(options: options)
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                var encoded: [String: Data] = [:]
                for (name, value) in object {
                    encoded[name] = try JSONSerialization.data(withJSONObject: [name: value], options: .sortedKeys)
                }
                return encoded
            } catch {
                throw DealRPCError(code: .internal, message: "cannot compare the record's fields: \(error)")
            }
        }
        let before = try fields(old)
        let after = try fields(new)
        return Set(before.keys).union(after.keys)
            .filter { $0 != "meta" && $0 != "id" && before[$0] != after[$0] }
            .sorted()
    }
}
