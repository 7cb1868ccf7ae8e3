import DealModel
import Foundation
import Testing

@testable import DealStore

/// Issue 18 part 6, sources stored once and cited by id: the store's source catalog (ListSources, GetSource,
/// ListSourceReports by catalog id) kept right by every write, rebuilt by the log and by a snapshot, and built for
/// data stored before it.
@Suite("Source catalog")
struct DealSourceCatalogTests {
    static let articleURL = "https://www.ft.com/content/google-anthropic"

    /// The FT article as one deal cites it: its own id and its own excerpt.
    static func ftArticle(_ id: String, url: String = Self.articleURL, excerpt: String) -> Dealstore_V1_Source {
        var source = Dealstore_V1_Source()
        source.id = id
        source.publisher = "Financial Times"
        source.url = url
        source.title = "Google invests in Anthropic"
        var quote = Dealstore_V1_Excerpt()
        quote.id = id + "-quote"
        quote.text = excerpt
        source.excerpts = [quote]
        return source
    }

    static func citingDeal(_ id: String, source: Dealstore_V1_Source) -> Dealstore_V1_Deal {
        var deal = TestStores.deal(id)
        deal.sources = [source]
        return deal
    }

    /// Every citation of the catalog source, as "deal id/source id" or "org:id/source id".
    static func citations(_ store: DealStore, _ catalogID: String) throws -> [String] {
        try store.sourceReports(publisher: "", catalogID: catalogID).reports.map {
            ($0.dealID.isEmpty ? "org:" + $0.organizationID : $0.dealID) + "/" + $0.source.id
        }
    }

    @Test("two deals citing the same FT article make one catalog source, and both are its citations")
    func sameArticleOnce() async throws {
        try await DealClaimsTests.store { store in
            let first = Self.ftArticle("ft", excerpt: "Google agreed to invest")
            // The same article under another id, with its own excerpt and a URL written differently.
            let second = Self.ftArticle(
                "ft-article",
                url: "HTTPS://WWW.FT.COM/content/google-anthropic/#top",
                excerpt: "a 10% stake"
            )
            _ = try await store.createDeal(Self.citingDeal("d1", source: first))
            _ = try await store.createDeal(Self.citingDeal("d2", source: second))
            let catalog = try store.catalogSources()
            #expect(catalog.sources.count == 1)
            let source = try #require(catalog.sources.first)
            #expect(source.id.hasPrefix("src-") && source.id.count == 20)
            #expect(source.citationCount == 2)
            #expect(source.url == Self.articleURL)
            #expect(source.publishers == ["financial times"])
            #expect(try store.catalogSources(publisher: " FINANCIAL TIMES ").sources.map(\.id) == [source.id])
            #expect(try store.catalogSources(publisher: "TechCrunch").sources.isEmpty)
            #expect(try store.catalogSource(id: source.id).source == source)
            #expect(try Self.citations(store, source.id) == ["d1/ft", "d2/ft-article"])
            // Each citation keeps the record's own excerpts.
            let reports = try store.sourceReports(publisher: "financial times").reports
            #expect(reports.map(\.catalogID) == [source.id, source.id])
            #expect(reports.map { $0.source.excerpts.map(\.text) } == [["Google agreed to invest"], ["a 10% stake"]])
            // Paged one at a time.
            var token = ""
            var paged: [String] = []
            repeat {
                let page = try store.sourceReports(publisher: "", catalogID: source.id, pageSize: 1, pageToken: token)
                paged += page.reports.map(\.dealID)
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(paged == ["d1", "d2"])
            let missing = #expect(throws: DealStoreError.self) {
                try store.catalogSource(id: "src-0000000000000000")
            }
            #expect(missing?.code == .notFound)
        }
    }

    @Test("ListSources pages through every source in id order; a damaged or foreign page token is refused")
    func catalogPaging() async throws {
        try await DealClaimsTests.store { store in
            for index in 0..<7 {
                var source = Self.ftArticle("ft", url: Self.articleURL + "-\(index)", excerpt: "part \(index)")
                source.publisher = index % 2 == 0 ? "Financial Times" : "Les Échos"
                _ = try await store.createDeal(Self.citingDeal("d\(index)", source: source))
            }
            let all = try store.catalogSources().sources.map(\.id)
            #expect(all.count == 7 && all == all.sorted())
            for publisher in ["", "les échos"] {
                var token = ""
                var paged: [String] = []
                repeat {
                    let page = try store.catalogSources(publisher: publisher, pageSize: 2, pageToken: token)
                    #expect(page.sources.count <= 2)
                    paged += page.sources.map(\.id)
                    token = page.nextPageToken
                } while !token.isEmpty
                #expect(
                    paged
                        == (publisher.isEmpty ? all : try store.catalogSources(publisher: publisher).sources.map(\.id))
                )
                #expect(paged.count == (publisher.isEmpty ? 7 : 3))
            }
            let reportToken = try #require(
                try store.sourceReports(publisher: "financial times", pageSize: 1).nextPageToken.nilIfEmpty
            )
            // "catalog|garbage", a report page's token and bytes that are not base64url: each is INVALID_ARGUMENT.
            for token in [DealPageToken.encodeSimple("garbage", scope: "catalog"), reportToken, "%%%"] {
                let refused = #expect(throws: DealStoreError.self) {
                    try store.catalogSources(pageSize: 2, pageToken: token)
                }
                #expect(refused?.code == .invalidArgument, "\(token)")
            }
        }
    }

    @Test("an update or delete of a citing deal keeps the catalog and the publisher index right")
    func writesKeepTheIndex() async throws {
        try await DealClaimsTests.store { store in
            let article = Self.ftArticle("ft", excerpt: "Google agreed to invest")
            _ = try await store.createDeal(Self.citingDeal("d1", source: article))
            _ = try await store.createDeal(Self.citingDeal("d2", source: article))
            let id = try #require(try store.catalogSources().sources.first?.id)
            // d2 now cites a TechCrunch piece instead.
            var techcrunch = Dealstore_V1_Source()
            techcrunch.id = "tc"
            techcrunch.publisher = "TechCrunch"
            techcrunch.title = "Anthropic raises"
            var d2 = try store.deal(id: "d2")
            d2.sources = [techcrunch]
            _ = try await store.updateDeal(d2)
            #expect(try Self.citations(store, id) == ["d1/ft"])
            #expect(try store.catalogSource(id: id).source.citationCount == 1)
            #expect(try store.sourceReports(publisher: "techcrunch").reports.map(\.dealID) == ["d2"])
            #expect(try store.catalogSources().sources.count == 2)
            // Its publisher renamed on d1: the FT has no source left, the article is the Financial Times Ltd's.
            var d1 = try store.deal(id: "d1")
            d1.sources[0].publisher = "Financial Times Ltd"
            _ = try await store.updateDeal(d1)
            #expect(try store.catalogSources(publisher: "financial times").sources.isEmpty)
            #expect(try store.sourceReports(publisher: "financial times").reports.isEmpty)
            #expect(try store.catalogSources(publisher: "financial times ltd").sources.map(\.id) == [id])
            _ = try await store.deleteDeal(id: "d1")
            #expect(try store.catalogSources().sources.map(\.publisher) == ["TechCrunch"])
            #expect(try Self.citations(store, id).isEmpty)
            #expect(try store.sourceReports(publisher: "financial times ltd").reports.isEmpty)
        }
    }

    @Test("the catalog is the same after a restart from the log and from a snapshot")
    func restart() async throws {
        let directory = TemporaryDirectory()
        var store = try await TestStores.basic(directory.path)
        let article = Self.ftArticle("ft", excerpt: "Google agreed to invest")
        _ = try await store.createDeal(Self.citingDeal("d1", source: article))
        _ = try await store.createDeal(Self.citingDeal("d2", source: article))
        var organization = try store.organization(id: "target")
        organization.sources = [article]
        _ = try await store.updateOrganization(organization)
        let before = try store.catalogSources().sources
        let citations = try Self.citations(store, try #require(before.first?.id))
        #expect(citations == ["org:target/ft", "d1/ft", "d2/ft"])
        try await store.close()
        store = try await TestStores.open(directory.path)
        #expect(try store.catalogSources().sources == before)
        #expect(try Self.citations(store, before[0].id) == citations)
        try await store.snapshot()
        try await store.close()
        store = try await TestStores.open(directory.path)
        #expect(try store.catalogSources().sources == before)
        #expect(try Self.citations(store, before[0].id) == citations)
        #expect(try store.sourceReports(publisher: "financial times").reports.count == 3)
        try await store.close()
    }

    @Test("a log written before the catalog (Tests/Fixtures) is catalogued as it loads")
    func oldLog() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/claims/log-before-claims/wal-0000000000000001.log")
        let directory = TemporaryDirectory()
        try FileManager.default.copyItem(atPath: fixture.path, toPath: directory.path + "/wal-0000000000000001.log")
        let store = try await TestStores.open(directory.path)
        let catalog = try store.catalogSources(pageSize: 1000).sources
        #expect(!catalog.isEmpty)
        // Every source the log's records list with a URL, publisher or title is catalogued, once per identity, and
        // the citations add up to the records' sources.
        var expected = 0
        for deal in try store.exportRecords().compactMap({ record -> Dealstore_V1_Deal? in
            if case .deal(let deal)? = record.record { deal } else { nil }
        }) {
            expected += deal.sources.filter { !($0.url.isEmpty && $0.publisher.isEmpty && $0.title.isEmpty) }.count
        }
        let organizations = try store.exportRecords().compactMap { record -> Dealstore_V1_Organization? in
            if case .organization(let organization)? = record.record { organization } else { nil }
        }
        expected += organizations.reduce(0) { $0 + $1.sources.count }
        #expect(expected > 0)
        #expect(catalog.reduce(0) { $0 + Int($1.citationCount) } == expected, "\(catalog.map(\.title))")
        for source in catalog {
            #expect(try Self.citations(store, source.id).count == Int(source.citationCount))
        }
        // The FT is one query, as before.
        #expect(
            try store.sourceReports(publisher: "Financial Times").reports.map(\.dealID) == ["google-anthropic-2023-02"]
        )
        try await store.close()
    }

    @Test("an old JSON Lines file (Tests/Fixtures) imports into one catalog entry per distinct source")
    func oldJSONLines() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/identity/seed-before-issue-18.jsonl")
        let records = try DealStore.parseJSONLines(Array(try Data(contentsOf: fixture)))
        try await TestStores.withStore { store in
            let result = try await store.importRecords(records)
            #expect(result.rejections.isEmpty, "\(result.rejections)")
            let catalog = try store.catalogSources(pageSize: 1000).sources
            var distinct = Set<String>()
            var citations = 0
            for record in records {
                let sources: [Dealstore_V1_Source]
                switch record.record {
                case .deal(let deal): sources = deal.sources
                case .organization(let organization): sources = organization.sources
                case nil: sources = []
                }
                for source in sources where !(source.url.isEmpty && source.publisher.isEmpty && source.title.isEmpty) {
                    let date = source.published
                    distinct.insert(
                        source.url.isEmpty
                            ? "\(source.publisher.lowercased())|\(source.title.lowercased())|\(date.year)-\(date.month)-\(date.day)"
                            : source.url
                    )
                    citations += 1
                }
            }
            #expect(catalog.count == distinct.count)
            #expect(catalog.reduce(0) { $0 + Int($1.citationCount) } == citations)
        }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { self.isEmpty ? nil : self }
}
