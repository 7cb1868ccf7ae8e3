import DealModel
import DealProtocol
import Foundation
import SwiftProtobuf

/// A starting corpus: one valid request per method (input format of ``DealServiceFuzzer``), so libFuzzer mutates
/// requests that get past decoding and validation instead of finding their structure from nothing.
enum DealServiceFuzzSeeds {
    static func usd(_ units: Int64) -> Dealstore_V1_Money {
        var money = Dealstore_V1_Money()
        money.currencyCode = "USD"
        money.units = units
        return money
    }

    static func deal(id: String) -> Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = id
        deal.targetID = "anthropic"
        deal.type = .corporateStrategic
        deal.status = .announced
        deal.title = "seed deal \(id)"
        deal.announced.year = 2024
        deal.announced.month = 5
        deal.announced.precision = .month
        deal.amount = Self.usd(1_000_000)
        deal.commitmentCap = Self.usd(2_000_000)
        var participation = Dealstore_V1_Participation()
        participation.investorID = "amazon"
        participation.role = .lead
        participation.committed = Self.usd(1_000_000)
        deal.participations = [participation]
        var tranche = Dealstore_V1_Tranche()
        tranche.id = "t1"
        tranche.investorID = "amazon"
        tranche.amount = Self.usd(500_000)
        tranche.status = .funded
        deal.tranches = [tranche]
        return deal
    }

    static func requests() -> [(DealMethod, any SwiftProtobuf.Message)] {
        var filter = Dealstore_V1_DealFilter()
        filter.investorIds = ["amazon"]
        var organization = Dealstore_V1_Organization()
        organization.id = "seed-org"
        organization.name = "Seed Org"
        organization.kind = .company
        var update = Dealstore_V1_UpdateDealRequest()
        update.deal = Self.deal(id: "amazon-anthropic-2023")
        update.updateMask = ["title", "tranches"]
        var updateOrganization = Dealstore_V1_UpdateOrganizationRequest()
        updateOrganization.organization = organization
        updateOrganization.updateMask = ["name"]
        return [
            (.getDeal, Dealstore_V1_GetDealRequest.with { $0.id = "amazon-anthropic-2023" }),
            (
                .listDeals,
                Dealstore_V1_ListDealsRequest.with {
                    $0.pageSize = 2
                    $0.filter = filter
                }
            ),
            (.createDeal, Dealstore_V1_CreateDealRequest.with { $0.deal = Self.deal(id: "seed-deal") }),
            (.updateDeal, update),
            (.deleteDeal, Dealstore_V1_DeleteDealRequest.with { $0.id = "seed-deal" }),
            (
                .importDeals,
                Dealstore_V1_ImportDealsRequest.with { $0.record.deal = Self.deal(id: "seed-import") }
            ),
            (.exportDeals, Dealstore_V1_ExportDealsRequest.with { $0.filter = filter }),
            (.summarizeDeals, Dealstore_V1_SummarizeDealsRequest.with { $0.groupBy = .target }),
            (
                .topDeals,
                Dealstore_V1_TopDealsRequest.with {
                    $0.limit = 3
                    $0.currencyCode = "USD"
                }
            ),
            (.listCoInvestors, Dealstore_V1_ListCoInvestorsRequest.with { $0.investorID = "amazon" }),
            (.getTimeline, Dealstore_V1_GetTimelineRequest.with { $0.organizationID = "anthropic" }),
            (.watchDeals, Dealstore_V1_WatchDealsRequest.with { $0.fromRevision = 1 }),
            (.listConflicts, Dealstore_V1_ListConflictsRequest.with { $0.pageSize = 5 }),
            (.getOrganization, Dealstore_V1_GetOrganizationRequest.with { $0.id = "amazon" }),
            (.listOrganizations, Dealstore_V1_ListOrganizationsRequest.with { $0.query = "ama" }),
            (.createOrganization, Dealstore_V1_CreateOrganizationRequest.with { $0.organization = organization }),
            (.updateOrganization, updateOrganization),
            (.deleteOrganization, Dealstore_V1_DeleteOrganizationRequest.with { $0.id = "seed-org" }),
            (.healthCheck, Dealstore_V1_HealthCheckRequest()),
            (.healthWatch, Dealstore_V1_HealthCheckRequest()),
            (.getServerInfo, Dealstore_V1_GetServerInfoRequest()),
        ]
    }

    /// Writes the seeds into `directory`, one file per method.
    static func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (method, request) in Self.requests() {
            guard let index = DealMethod.all.firstIndex(of: method) else { continue }
            let bytes: [UInt8] = [UInt8(index), 0] + (try request.serializedBytes() as [UInt8])
            try Data(bytes).write(to: URL(fileURLWithPath: directory + "/seed-" + method.name))
        }
    }
}
