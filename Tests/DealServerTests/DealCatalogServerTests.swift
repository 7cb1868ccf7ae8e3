import DealClient
import DealModel
import DealProtocol
import DealServer
import Foundation
import Testing

/// Issue 18 through the server: the source catalog (ListSources, GetSource, ListSourceReports by catalog id) and
/// the FX table (GetFXTable, ImportFXRates with its write role).
@Suite("Source catalog and FX table RPCs over real TLS")
struct DealCatalogServerTests {
    @Test("ListSources lists the bundled sources once each; GetSource and ListSourceReports by catalog id agree")
    func catalog() async throws {
        try await DealServerHarness.with { harness, _ in
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                var list = Dealstore_V1_ListSourcesRequest()
                list.pageSize = 1000
                let all = try await client.listSources(list)
                #expect(!all.sources.isEmpty)
                #expect(all.revision > 0)
                #expect(Set(all.sources.map(\.id)).count == all.sources.count)
                list.publisher = "financial times"
                let ft = try await client.listSources(list)
                #expect(ft.sources.count == 1)
                let source = try #require(ft.sources.first)
                var get = Dealstore_V1_GetSourceRequest()
                get.id = source.id
                let got = try await client.getSource(get)
                #expect(got == source)
                var reports = Dealstore_V1_ListSourceReportsRequest()
                reports.catalogID = source.id
                let citing = try await client.listSourceReports(reports)
                #expect(citing.reports.map(\.dealID) == ["google-anthropic-2023-02"])
                #expect(citing.reports.allSatisfy { $0.catalogID == source.id })
                get.id = "src-0000000000000000"
                await #expect(throws: DealRPCError.self) { _ = try await client.getSource(get) }
            }
        }
    }

    @Test("ImportFXRates needs the write role, replaces the table at once and names a bad line and column")
    func fxImport() async throws {
        try await DealServerHarness.with { harness, _ in
            var request = Dealstore_V1_ImportFXRatesRequest()
            request.csv = Data("Date,USD,\n2023-10-27,2.0,\n".utf8)
            request.source = "test desk"
            request.retrieved = "2023-10-28"
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { reader in
                let table = try await reader.getFXTable()
                #expect(table.origin == "bundled")
                let refused = await #expect(throws: DealRPCError.self) { _ = try await reader.importFXRates(request) }
                #expect(refused?.code == .permissionDenied)
            }
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.writeToken)) { client in
                let info = try await client.importFXRates(request)
                #expect(info.origin == "file")
                #expect(info.label == "test desk, retrieved 2023-10-28")
                #expect(info.currencies == ["EUR", "USD"])
                let inUse = try await client.getFXTable()
                #expect(inUse == info)
                // Google's USD 2B of 27 October 2023 in EUR at the imported 2.0 USD per EUR: EUR 1B.
                var summary = Dealstore_V1_SummarizeDealsRequest()
                summary.groupBy = .investor
                summary.filter.targetID = "anthropic"
                summary.filter.investorIds = ["google"]
                summary.filter.normalizeTo = "EUR"
                summary.filter.announcedFrom.year = 2023
                summary.filter.announcedFrom.month = 10
                summary.filter.announcedFrom.precision = .month
                let groups = try await client.summarizeDeals(summary).groups
                let google = try #require(groups.first { $0.key == "google" })
                #expect(!google.normalized.rates.isEmpty, "\(google)")
                #expect(google.normalized.rates.allSatisfy { $0.source == "test desk, retrieved 2023-10-28" })
                var bad = request
                bad.csv = Data("Date,USD\n2023-10-27,x\n".utf8)
                let error = await #expect(throws: DealRPCError.self) { _ = try await client.importFXRates(bad) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.contains("line 2, column 2 (USD)") == true, "\(String(describing: error))")
            }
        }
    }
}
