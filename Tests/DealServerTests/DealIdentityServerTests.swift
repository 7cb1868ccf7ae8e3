import DealClient
import DealModel
import DealProtocol
import DealServer
import Testing

/// Issue 18 parts 3 and 5 through the server: summaries by industry, FindDuplicateDeals and MergeOrganizations
/// (with its write role).
@Suite("Identity RPCs over real TLS")
struct DealIdentityServerTests {
    static func code(_ body: () async throws -> Void) async -> DealStatusCode {
        do {
            try await body()
            return .ok
        } catch let error as DealRPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    @Test("SummarizeDeals groups the bundled deals by industry and country")
    func summaries() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                var request = Dealstore_V1_SummarizeDealsRequest()
                request.groupBy = .industry
                request.filter.targetID = "anthropic"
                let industries = try await client.summarizeDeals(request)
                #expect(industries.groups.map(\.key) == ["artificial-intelligence"])
                request.groupBy = .country
                #expect(try await client.summarizeDeals(request).groups.map(\.key) == ["US"])
            }
        }
    }

    @Test("a deal stored twice is proposed; a merge needs the write role and keeps the old id resolving")
    func duplicatesAndMerge() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { reader in
                var merge = Dealstore_V1_MergeOrganizationsRequest()
                merge.sourceID = "techcrunch"
                merge.targetID = "financial-times"
                #expect(await Self.code { _ = try await reader.mergeOrganizations(merge) } == .permissionDenied)
            }
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.writeToken)) { client in
                var get = Dealstore_V1_GetDealRequest()
                get.id = "amazon-anthropic-2023"
                var copy = try await client.getDeal(get)
                copy.id = "amazon-anthropic-2023-2"
                copy.clearMeta()
                var create = Dealstore_V1_CreateDealRequest()
                create.deal = copy
                _ = try await client.createDeal(create)
                var find = Dealstore_V1_FindDuplicateDealsRequest()
                find.filter.targetID = "anthropic"
                let found = try await client.findDuplicateDeals(find)
                #expect(found.candidates.map(\.dealIds) == [["amazon-anthropic-2023", "amazon-anthropic-2023-2"]])
                #expect(found.revision > 0)

                var organization = Dealstore_V1_CreateOrganizationRequest()
                organization.organization.id = "amazon-com-inc"
                organization.organization.name = "Amazon.com, Inc."
                _ = try await client.createOrganization(organization)
                var merge = Dealstore_V1_MergeOrganizationsRequest()
                merge.sourceID = "amazon-com-inc"
                merge.targetID = "amazon"
                let merged = try await client.mergeOrganizations(merge)
                #expect(merged.organization.mergedIds == ["amazon-com-inc"])
                #expect(merged.revision > 0)
                var lookup = Dealstore_V1_GetOrganizationRequest()
                lookup.id = "amazon-com-inc"
                #expect(try await client.getOrganization(lookup).id == "amazon")
                merge.sourceID = "nope"
                #expect(await Self.code { _ = try await client.mergeOrganizations(merge) } == .notFound)
            }
        }
    }
}
