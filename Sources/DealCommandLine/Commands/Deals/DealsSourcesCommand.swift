public import ArgumentParser
import DealClient
import DealModel
import DealProtocol

/// `deals sources`: every source of the deals and organizations, with how many figures each supports.
public struct DealsSourcesCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "List sources with how many figures each supports.",
        discussion: """
            One row per source (the same source id, publisher and title in several
            records is one row). RECORDS: deals and organizations that list it;
            ITEMS: participations, tranches, options, valuations, terms, claims and
            facts naming it in their sources; FIGURES: figures it backs (quoted or
            named); QUOTED: figures that quote its own words; EXCERPTS: its quotes.
            -o json adds each source's excerpts and the figures it backs.

            With --publisher (or --source-id), everything that publisher reported
            instead, answered by the server in one query (ListSourceReports): one row
            per deal or organization citing it, with the items and claims resting on it.

            With --catalog, the server's source catalog (ListSources): each distinct
            source once (the same URL, or the same publisher, title and date), with
            its catalog id and how many records' sources cite it; --publisher keeps
            those cited with that publisher. --catalog-id ID lists the records citing
            one catalog source.

            Examples:
              deals sources
              deals sources --catalog
              deals sources --catalog --publisher "Financial Times"
              deals sources --catalog-id src-0123456789abcdef
              deals sources --publisher "Financial Times"
              deals sources --deal amazon-anthropic-2023
              deals sources -o json | jq '.[] | {id: .source.id, figureCount}'
            """
    )

    @Option(help: "Only this deal's sources (organizations' sources are then left out).")
    var deal: String?

    @Option(help: "Everything this publisher reported (case-insensitive): the records citing its sources.")
    var publisher: String?

    @Option(name: .customLong("source-id"), help: "With or without --publisher: the records citing this source id.")
    var sourceID: String?

    @Flag(help: "List the server's source catalog: each distinct source once, with its catalog id.")
    var catalog = false

    @Option(name: .customLong("catalog-id"), help: "The records citing this catalog source (see --catalog).")
    var catalogID: String?

    @OptionGroup var format: DealOutputOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        if self.catalog {
            if self.deal != nil || self.sourceID != nil || self.catalogID != nil {
                throw DealInputError(
                    "--catalog lists the whole catalog (or one publisher's with --publisher): it cannot be combined "
                        + "with --deal, --source-id or --catalog-id"
                )
            }
            try await self.runCatalog(in: context)
            return
        }
        if self.publisher != nil || self.sourceID != nil || self.catalogID != nil {
            if self.deal != nil {
                throw DealInputError(
                    "--deal cannot be combined with --publisher, --source-id or --catalog-id: those search every record"
                )
            }
            try await self.runReports(in: context)
            return
        }
        let (deals, organizations) = try await context.withClient(self.connection) { client in
            if let id = self.deal {
                var request = Dealstore_V1_GetDealRequest()
                request.id = id
                return ([try await client.getDeal(request)], [Dealstore_V1_Organization]())
            }
            var deals: [Dealstore_V1_Deal] = []
            var dealRequest = Dealstore_V1_ListDealsRequest()
            dealRequest.pageSize = 1000
            while true {
                let response = try await client.listDeals(dealRequest)
                deals += response.deals
                if response.nextPageToken.isEmpty { break }
                dealRequest.pageToken = response.nextPageToken
            }
            var organizations: [Dealstore_V1_Organization] = []
            var organizationRequest = Dealstore_V1_ListOrganizationsRequest()
            organizationRequest.pageSize = 1000
            while true {
                let response = try await client.listOrganizations(organizationRequest)
                organizations += response.organizations
                if response.nextPageToken.isEmpty { break }
                organizationRequest.pageToken = response.nextPageToken
            }
            return (deals, organizations)
        }
        try context.emit(DealViews.sources(deals: deals, organizations: organizations), as: self.format.output)
    }

    /// `--publisher` / `--source-id`: every page of ListSourceReports.
    func runReports(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_ListSourceReportsRequest()
        request.publisher = self.publisher ?? ""
        request.sourceID = self.sourceID ?? ""
        request.catalogID = self.catalogID ?? ""
        request.pageSize = 1000
        let reports = try await context.withClient(self.connection) { client in
            var reports: [Dealstore_V1_SourceReport] = []
            while true {
                let response = try await client.listSourceReports(request)
                reports += response.reports
                if response.nextPageToken.isEmpty { return reports }
                request.pageToken = response.nextPageToken
            }
        }
        try context.emit(DealViews.sourceReports(reports), as: self.format.output)
    }

    /// `--catalog`: every page of ListSources.
    func runCatalog(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_ListSourcesRequest()
        request.publisher = self.publisher ?? ""
        request.pageSize = 1000
        let sources = try await context.withClient(self.connection) { client in
            var sources: [Dealstore_V1_CatalogSource] = []
            while true {
                let response = try await client.listSources(request)
                sources += response.sources
                if response.nextPageToken.isEmpty { return sources }
                request.pageToken = response.nextPageToken
            }
        }
        try context.emit(DealViews.catalogSources(sources), as: self.format.output)
    }
}
