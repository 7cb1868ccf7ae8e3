/// A method of the DealStore service surface: its path and how many messages flow each way.
///
/// Paths are gRPC's `/package.Service/Method`. The list is the one in Protocol/dealstore/v1/*.proto; servers
/// dispatch on ``path`` and clients use the constants rather than spelling paths.
public struct DealMethod: Hashable, Sendable, CustomStringConvertible {
    /// How many request and response messages a call carries.
    public enum Kind: String, Hashable, Sendable {
        /// One request, one response.
        case unary
        /// One request, any number of responses.
        case serverStreaming
        /// Any number of requests, one response.
        case clientStreaming
    }

    /// The service name, e.g. `dealstore.v1.Deals`.
    public var service: String {
        didSet { self.path = Self.path(service: self.service, name: self.name) }
    }
    /// The method name, e.g. `GetDeal`.
    public var name: String {
        didSet { self.path = Self.path(service: self.service, name: self.name) }
    }
    /// The call shape.
    public var kind: Kind
    /// Whether the method changes the store (and so needs the write role).
    public var isMutation: Bool

    /// Creates a method descriptor.
    public init(service: String, name: String, kind: Kind, isMutation: Bool = false) {
        self.service = service
        self.name = name
        self.kind = kind
        self.isMutation = isMutation
        self.path = Self.path(service: service, name: name)
    }

    /// The path sent in `CallHeaders.method`: `/dealstore.v1.Deals/GetDeal`.
    ///
    /// Stored, not computed: servers name the method in every call's log line and metrics key.
    public private(set) var path: String

    private static func path(service: String, name: String) -> String {
        "/\(service)/\(name)"
    }

    public var description: String {
        self.path
    }
}

extension DealMethod {
    private static let deals = "dealstore.v1.Deals"
    private static let organizations = "dealstore.v1.Organizations"
    private static let health = "dealstore.v1.Health"
    private static let server = "dealstore.v1.Server"

    public static let getDeal = DealMethod(service: deals, name: "GetDeal", kind: .unary)
    public static let listDeals = DealMethod(service: deals, name: "ListDeals", kind: .unary)
    public static let createDeal = DealMethod(service: deals, name: "CreateDeal", kind: .unary, isMutation: true)
    public static let updateDeal = DealMethod(service: deals, name: "UpdateDeal", kind: .unary, isMutation: true)
    public static let deleteDeal = DealMethod(service: deals, name: "DeleteDeal", kind: .unary, isMutation: true)
    public static let importDeals = DealMethod(
        service: deals,
        name: "ImportDeals",
        kind: .clientStreaming,
        isMutation: true
    )
    public static let exportDeals = DealMethod(service: deals, name: "ExportDeals", kind: .serverStreaming)
    public static let summarizeDeals = DealMethod(service: deals, name: "SummarizeDeals", kind: .unary)
    public static let topDeals = DealMethod(service: deals, name: "TopDeals", kind: .unary)
    public static let listCoInvestors = DealMethod(service: deals, name: "ListCoInvestors", kind: .unary)
    public static let getTimeline = DealMethod(service: deals, name: "GetTimeline", kind: .unary)
    public static let watchDeals = DealMethod(service: deals, name: "WatchDeals", kind: .serverStreaming)
    public static let listConflicts = DealMethod(service: deals, name: "ListConflicts", kind: .unary)
    public static let findDuplicateDeals = DealMethod(service: deals, name: "FindDuplicateDeals", kind: .unary)
    /// Everything one publisher (or one source) reported (issue 18 part 6).
    public static let listSourceReports = DealMethod(service: deals, name: "ListSourceReports", kind: .unary)
    /// The store's source catalog, each distinct source once (issue 18 part 6).
    public static let listSources = DealMethod(service: deals, name: "ListSources", kind: .unary)
    /// One source of the catalog by its id.
    public static let getSource = DealMethod(service: deals, name: "GetSource", kind: .unary)
    /// The FX table in use, its provenance and coverage (issue 18 part 1).
    public static let getFXTable = DealMethod(service: deals, name: "GetFXTable", kind: .unary)
    /// Replaces the FX table from an ECB eurofxref-hist layout CSV.
    public static let importFXRates = DealMethod(service: deals, name: "ImportFXRates", kind: .unary, isMutation: true)

    public static let getOrganization = DealMethod(service: organizations, name: "GetOrganization", kind: .unary)
    public static let listOrganizations = DealMethod(service: organizations, name: "ListOrganizations", kind: .unary)
    public static let createOrganization = DealMethod(
        service: organizations,
        name: "CreateOrganization",
        kind: .unary,
        isMutation: true
    )
    public static let updateOrganization = DealMethod(
        service: organizations,
        name: "UpdateOrganization",
        kind: .unary,
        isMutation: true
    )
    public static let deleteOrganization = DealMethod(
        service: organizations,
        name: "DeleteOrganization",
        kind: .unary,
        isMutation: true
    )

    public static let mergeOrganizations = DealMethod(
        service: organizations,
        name: "MergeOrganizations",
        kind: .unary,
        isMutation: true
    )

    public static let healthCheck = DealMethod(service: health, name: "Check", kind: .unary)
    public static let healthWatch = DealMethod(service: health, name: "Watch", kind: .serverStreaming)
    public static let getServerInfo = DealMethod(service: server, name: "GetInfo", kind: .unary)

    /// Every method of the service surface.
    public static let all: [DealMethod] = [
        .getDeal, .listDeals, .createDeal, .updateDeal, .deleteDeal, .importDeals, .exportDeals, .summarizeDeals,
        .topDeals, .listCoInvestors, .getTimeline, .watchDeals, .listConflicts, .findDuplicateDeals,
        .listSourceReports, .listSources, .getSource, .getFXTable, .importFXRates,
        .getOrganization, .listOrganizations, .createOrganization, .updateOrganization, .deleteOrganization,
        .mergeOrganizations,
        .healthCheck, .healthWatch, .getServerInfo,
    ]

    /// Looks a method up by its path.
    public static func named(_ path: String) -> DealMethod? {
        Self.byPath[path]
    }

    private static let byPath: [String: DealMethod] = Dictionary(
        uniqueKeysWithValues: Self.all.map { ($0.path, $0) }
    )
}
