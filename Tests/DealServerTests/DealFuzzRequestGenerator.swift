import DealModel
import DealProtocol
import DealTestSupport
import Foundation
import SwiftProtobuf

/// Generates the service fuzzer's calls: every method, with structured requests full of edge values (extreme
/// numbers, huge repeated fields, odd strings, random field masks and page tokens) and, for a share of them, raw
/// mutations SwiftProtobuf cannot produce (invalid UTF-8, truncation, unknown fields, deep unknown groups,
/// garbage).
struct DealFuzzRequestGenerator {
    struct Tokens: Sendable {
        var admin: String
        var writer: String
        var reader: String
    }

    var random: DealSeededRandom
    let tokens: Tokens
    /// Input classes left out because they crash today's daemon (see ``DealFuzzFinding``).
    /// A page token the server really issued, to mutate.
    let realPageToken: String
    private var counter = 0
    /// Inside the elements of a repeated field: no further huge fields or long strings, so one message stays
    /// linear in size (a huge field of huge fields would not fit a frame anyway).
    private var insideRepeated = false
    /// Whether the message being built already has its one huge repeated field.
    private var hugeUsed = false
    private var unique = 0
    /// One field in this many gets a hostile value in the message being built; 0 for none (a valid request).
    private var wildness = 12

    /// Requests stay below the server's 4 MiB frame limit with room to spare.
    static let maximumMessageSize = 3 * 1024 * 1024

    init(seed: UInt64, tokens: Tokens, realPageToken: String) {
        self.random = DealSeededRandom(seed: seed)
        self.tokens = tokens
        self.realPageToken = realPageToken
    }

    // MARK: Calls

    mutating func call() -> DealFuzzCall {
        self.counter += 1
        let path: String
        if self.random.chance(1, in: 60) {
            path = self.random.pick([
                "", "/", "/dealstore.v1.Deals/", "/dealstore.v1.Deals/getdeal", "/dealstore.v1.Nope/GetDeal",
                String(repeating: "/x", count: 5000), "/dealstore.v1.Deals/GetDeal\u{0}",
            ])
        } else {
            path = self.random.pick(DealMethod.all).path
        }
        let method = DealMethod.named(path)
        let caller = self.pickCaller(for: method)
        let timeoutMicros = self.timeout(for: method)
        var headers = self.headers(path: path, caller: caller, timeoutMicros: timeoutMicros)
        var messages: [[UInt8]]
        if self.random.chance(1, in: 80) {
            // Mangled CallHeaders (the deadline kept): the call is refused before any request is read, so it
            // carries none.
            headers = self.mutate(headers, stringPaths: [[1], [3, 1], [3, 2]]) + Self.timeoutField(timeoutMicros)
            messages = []
        } else if let method {
            messages = self.messages(for: method)
        } else {
            messages = [self.random.bytes(Int.random(in: 0...32, using: &self.random))]
        }
        if messages.contains(where: { $0.count > Self.maximumMessageSize }) {
            messages = [[]]
        }
        return DealFuzzCall(
            path: path,
            caller: caller,
            timeoutMicros: timeoutMicros,
            headers: headers,
            messages: messages
        )
    }

    private mutating func pickCaller(for method: DealMethod?) -> DealFuzzCall.Caller {
        // Mostly callers allowed to write, so the write paths run; some read-role and anonymous calls.
        switch Int.random(in: 0..<20, using: &self.random) {
        case 0..<9: .admin
        case 9..<14: .writer
        case 14..<17: .reader
        case 17..<19: .anonymous
        default: .badToken
        }
    }

    private mutating func timeout(for method: DealMethod?) -> UInt64 {
        switch method {
        case .watchDeals?, .healthWatch?:
            // Never end by themselves: the deadline ends them, with a status.
            return UInt64.random(in: 20_000...150_000, using: &self.random)
        default:
            if self.random.chance(1, in: 40) {
                return UInt64.random(in: 1...500, using: &self.random)
            }
            if self.random.chance(1, in: 40) {
                return self.random.pick([UInt64.max, UInt64(Int64.max), UInt64(Int64.max) + 1, 1 << 62])
            }
            return 20_000_000
        }
    }

    static func timeoutField(_ micros: UInt64) -> [UInt8] {
        DealFuzzWire.tag(2, DealFuzzWire.varint) + DealFuzzWire.varint(micros)
    }

    private mutating func headers(path: String, caller: DealFuzzCall.Caller, timeoutMicros: UInt64) -> [UInt8] {
        var headers = Dealstore_V1_CallHeaders()
        headers.method = path
        headers.timeoutMicros = timeoutMicros
        let authorization: String? =
            switch caller {
            case .admin: "Bearer \(self.tokens.admin)"
            case .writer: "Bearer \(self.tokens.writer)"
            case .reader: "Bearer \(self.tokens.reader)"
            case .anonymous: nil
            case .badToken:
                self.random.pick([
                    "Bearer ", "Bearer", "bearer \(self.tokens.admin)", "Bearer \(self.tokens.admin) ",
                    "Bearer dst_0000", "Basic Zm9vOmJhcg==", "Bearer " + String(repeating: "a", count: 70_000),
                    "Bearer \(self.tokens.reader)\u{0}",
                ])
            }
        if let authorization {
            var entry = Dealstore_V1_MetadataEntry()
            entry.key = "authorization"
            entry.value = Data(authorization.utf8)
            headers.metadata.append(entry)
        }
        if self.random.chance(1, in: 10) {
            var entry = Dealstore_V1_MetadataEntry()
            entry.key = self.random.pick(["request-id", "Request-Id", "x-unknown", "", "authorization"])
            entry.value = Data(
                self.random.pick([
                    Array("fuzz-\(self.counter)".utf8), Array("line\nforged: yes\r\n".utf8),
                    [0xFF, 0xFE, 0x00, 0x1B], Array(repeating: 0x41, count: 20_000),
                ])
            )
            headers.metadata.append(entry)
        }
        return (try? headers.serializedBytes()) ?? []
    }

    private mutating func messages(for method: DealMethod) -> [[UInt8]] {
        if method == .importDeals {
            let count =
                self.random.chance(1, in: 15)
                ? Int.random(in: 500...3000, using: &self.random) : Int.random(in: 0...4, using: &self.random)
            // A long import repeats a few distinct records (same ids: the conflict policy decides), each without
            // huge fields, so generating it stays cheap.
            let distinct = (0..<min(count, 8)).map { _ in self.message(for: method, allowHuge: false) }
            return (0..<count).map { distinct[$0 % distinct.count] }
        }
        if self.random.chance(1, in: 100) {
            // Unary and server-streaming methods take exactly one message.
            return [self.message(for: method), self.message(for: method)]
        }
        return [self.message(for: method)]
    }

    // MARK: Messages

    private mutating func message(for method: DealMethod, allowHuge: Bool = true) -> [UInt8] {
        self.hugeUsed = !allowHuge
        self.wildness = self.random.chance(1, in: 2) ? 0 : 12
        let (message, stringPaths) = self.structured(for: method)
        let bytes = (try? message.serializedBytes() as [UInt8]) ?? []
        if self.random.chance(1, in: 4) {
            return self.mutate(bytes, stringPaths: stringPaths)
        }
        return bytes
    }

    // swift-format-ignore: FunctionBodyLength
    /// A request of the method's type and the field paths of its string fields (for invalid UTF-8).
    private mutating func structured(for method: DealMethod) -> (any SwiftProtobuf.Message, [[UInt32]]) {
        switch method {
        case .getDeal:
            var request = Dealstore_V1_GetDealRequest()
            request.id = self.dealID()
            return (request, [[1]])
        case .listDeals:
            var request = Dealstore_V1_ListDealsRequest()
            request.pageSize = self.int32()
            request.pageToken = self.pageToken()
            if self.random.chance(1, in: 2) { request.filter = self.filter() }
            request.orderBy = self.random.pick([
                "", "", "amount", "announced", "update_revision", "id", "amount desc", "-amount", "id,amount",
                "\u{0}", self.text(),
            ])
            return (request, [[2], [4], [3, 2], [3, 1], [3, 13], [3, 10]])
        case .createDeal:
            var request = Dealstore_V1_CreateDealRequest()
            request.deal = self.deal()
            request.validateOnly = self.random.chance(1, in: 3)
            return (request, [[1, 1], [1, 2], [1, 5], [1, 17], [1, 10, 1], [1, 11, 1], [1, 15, 3], [1, 8, 1]])
        case .updateDeal:
            var request = Dealstore_V1_UpdateDealRequest()
            request.deal = self.deal()
            request.updateMask = self.fieldMask(Self.dealFields)
            request.etag = self.etag()
            return (request, [[1, 1], [1, 5], [2], [3], [1, 10, 1]])
        case .deleteDeal:
            var request = Dealstore_V1_DeleteDealRequest()
            request.id = self.dealID()
            request.etag = self.etag()
            return (request, [[1], [2]])
        case .importDeals:
            var request = Dealstore_V1_ImportDealsRequest()
            if self.random.chance(1, in: 4) {
                request.record.organization = self.organization()
            } else if self.random.chance(5, in: 6) {
                request.record.deal = self.deal()
            }
            request.onConflict = .init(rawValue: self.enumValue()) ?? .skip
            return (request, [[1, 2, 1], [1, 2, 5], [1, 1, 1], [1, 1, 2]])
        case .exportDeals:
            var request = Dealstore_V1_ExportDealsRequest()
            if self.random.chance(2, in: 3) { request.filter = self.filter() }
            return (request, [[1, 2], [1, 13], [1, 1]])
        case .summarizeDeals:
            var request = Dealstore_V1_SummarizeDealsRequest()
            request.groupBy = .init(rawValue: self.enumValue()) ?? .unspecified
            if self.random.chance(1, in: 2) { request.filter = self.filter() }
            return (request, [[2, 2], [2, 13]])
        case .topDeals:
            var request = Dealstore_V1_TopDealsRequest()
            request.limit = self.int32()
            request.currencyCode = self.currency()
            if self.random.chance(1, in: 2) { request.filter = self.filter() }
            return (request, [[2], [3, 2]])
        case .listCoInvestors:
            var request = Dealstore_V1_ListCoInvestorsRequest()
            request.investorID = self.organizationID()
            return (request, [[1]])
        case .getTimeline:
            var request = Dealstore_V1_GetTimelineRequest()
            request.organizationID = self.organizationID()
            return (request, [[1]])
        case .watchDeals:
            var request = Dealstore_V1_WatchDealsRequest()
            request.fromRevision = self.uint64()
            request.includeOrganizations = self.random.chance(1, in: 2)
            return (request, [])
        case .listConflicts:
            var request = Dealstore_V1_ListConflictsRequest()
            request.dealID = self.dealID()
            if self.random.chance(1, in: 4) { request.organizationID = self.organizationID() }
            request.status = Dealstore_V1_ClaimStatus(rawValue: Int(self.int32() % 4)) ?? .unspecified
            request.pageSize = self.int32()
            request.pageToken = self.pageToken()
            return (request, [[1], [3]])
        case .listSourceReports:
            var request = Dealstore_V1_ListSourceReportsRequest()
            request.publisher = self.random.pick(["Financial Times", "techcrunch", "", self.text()])
            request.sourceID = self.random.chance(1, in: 3) ? self.text() : ""
            request.pageSize = self.int32()
            request.pageToken = self.pageToken()
            return (request, [[1], [2], [4]])
        case .listSources:
            var request = Dealstore_V1_ListSourcesRequest()
            request.publisher = self.random.pick(["Financial Times", "techcrunch", "", self.text()])
            request.pageSize = self.int32()
            request.pageToken = self.pageToken()
            return (request, [[1], [3]])
        case .getSource:
            var request = Dealstore_V1_GetSourceRequest()
            request.id = self.random.pick(["", "src-0000000000000000", self.text()])
            return (request, [[1]])
        case .getFXTable:
            return (Dealstore_V1_GetFXTableRequest(), [])
        case .importFXRates:
            var request = Dealstore_V1_ImportFXRatesRequest()
            request.csv = Data(self.text().utf8)
            request.source = self.random.pick(["", "fuzz", self.text()])
            request.validateOnly = true
            return (request, [[1], [2]])
        case .getOrganization:
            var request = Dealstore_V1_GetOrganizationRequest()
            request.id = self.organizationID()
            return (request, [[1]])
        case .listOrganizations:
            var request = Dealstore_V1_ListOrganizationsRequest()
            request.pageSize = self.int32()
            request.pageToken = self.pageToken()
            request.query = self.random.chance(1, in: 2) ? "" : self.text()
            request.kind = .init(rawValue: self.enumValue()) ?? .unspecified
            return (request, [[2], [3]])
        case .createOrganization:
            var request = Dealstore_V1_CreateOrganizationRequest()
            request.organization = self.organization()
            request.validateOnly = self.random.chance(1, in: 3)
            return (request, [[1, 1], [1, 2], [1, 3], [1, 6], [1, 7], [1, 5, 1], [1, 5, 2]])
        case .updateOrganization:
            var request = Dealstore_V1_UpdateOrganizationRequest()
            request.organization = self.organization()
            request.updateMask = self.fieldMask(Self.organizationFields)
            request.etag = self.etag()
            return (request, [[1, 1], [1, 2], [2], [3]])
        case .deleteOrganization:
            var request = Dealstore_V1_DeleteOrganizationRequest()
            // Mostly organizations this run created, so the seed's stay and the deals referring to them work.
            request.id = self.wild() ? self.organizationID() : "fz-org-\(self.smallNumber())"
            request.etag = self.etag()
            return (request, [[1], [2]])
        case .healthCheck, .healthWatch:
            var request = Dealstore_V1_HealthCheckRequest()
            request.service = self.random.pick([
                "", "dealstore.v1.Deals", "dealstore.v1.Health", "nope", self.text(),
            ])
            return (request, [[1]])
        default:
            return (Dealstore_V1_GetServerInfoRequest(), [])
        }
    }

    // MARK: Records

    /// Top-level fields an update mask may name (DealStore checks masks against the messages), and names it
    /// may not.
    static let dealFields = [
        "target_id", "type", "status", "title", "announced", "closed", "amount", "commitment_cap", "participations",
        "tranches", "options", "valuations", "strategic_terms", "sources", "disputed_claims", "notes",
    ]
    static let organizationFields = ["name", "aliases", "kind", "external_ids", "description", "website"]
    static let invalidMaskFields = [
        "id", "meta", "announced.year", "amount.units", "tranches.amount", "participations.committed",
        "external_ids.x", "", "Title", "title ", "*", "meta.etag",
    ]

    /// A deal that is valid except where ``wild()`` says otherwise, so the write paths get past validation (and
    /// store deals with extreme amounts) as well as failing it in every field.
    private mutating func deal() -> Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = self.wild() ? self.dealID() : "fz-deal-\(self.dealNumber())"
        deal.targetID = self.organizationID()
        deal.type = .init(rawValue: self.enumValue(upTo: 9)) ?? .unspecified
        deal.status = .init(rawValue: self.enumValue(upTo: 4)) ?? .unspecified
        deal.title = self.wild() ? self.text() : "fuzz deal \(self.counter)"
        if self.random.chance(3, in: 4) { deal.announced = self.date() }
        if self.random.chance(1, in: 3) { deal.closed = self.date() }
        if self.random.chance(3, in: 4) { deal.amount = self.money() }
        if self.random.chance(1, in: 2) { deal.commitmentCap = self.money() }
        deal.sources = self.repeated { generator in
            var source = Dealstore_V1_Source()
            source.id = generator.wild() ? generator.sourceID() : "s\(generator.uniqueNumber())"
            source.publisher = generator.organizationID()
            source.url = generator.wild() ? generator.text() : "https://example.com/\(generator.counter)"
            if generator.random.chance(1, in: 2) { source.published = generator.date() }
            source.confidence = .init(rawValue: generator.enumValue(upTo: 4)) ?? .unspecified
            return source
        }
        let sourceIDs = deal.sources.map(\.id)
        deal.participations = self.repeated { generator in
            var participation = Dealstore_V1_Participation()
            participation.investorID = generator.organizationID()
            participation.role = .init(rawValue: generator.enumValue(upTo: 2)) ?? .unspecified
            if generator.random.chance(3, in: 4) { participation.committed = generator.money() }
            if generator.random.chance(1, in: 3) { participation.stake = generator.fraction() }
            participation.sourceIds = generator.sourceReferences(sourceIDs)
            return participation
        }
        deal.tranches = self.repeated { generator in
            var tranche = Dealstore_V1_Tranche()
            tranche.id = generator.wild() ? "t" : "t\(generator.uniqueNumber())"
            tranche.investorID = generator.organizationID()
            if !generator.wild() { tranche.amount = generator.money() }
            tranche.kind = .init(rawValue: generator.enumValue(upTo: 4)) ?? .unspecified
            if generator.random.chance(1, in: 2) { tranche.due = generator.date() }
            tranche.status = .init(rawValue: generator.enumValue(upTo: 3)) ?? .unspecified
            tranche.sourceIds = generator.sourceReferences(sourceIDs)
            return tranche
        }
        let trancheIDs = deal.tranches.map(\.id)
        deal.options = self.repeated { generator in
            var option = Dealstore_V1_InvestmentOption()
            option.id = generator.wild() ? "o" : "o\(generator.uniqueNumber())"
            option.holderID = generator.organizationID()
            if generator.random.chance(3, in: 4) { option.maximum = generator.money() }
            if generator.random.chance(1, in: 2) { option.expires = generator.date() }
            if !trancheIDs.isEmpty && generator.random.chance(1, in: 2) {
                option.exercisedByTrancheID = generator.random.pick(trancheIDs)
            } else if generator.wild() {
                option.exercisedByTrancheID = generator.text()
            }
            return option
        }
        deal.valuations = self.repeated { generator in
            var valuation = Dealstore_V1_Valuation()
            valuation.kind = .init(rawValue: generator.enumValue(upTo: 2)) ?? .unspecified
            if !generator.wild() { valuation.amount = generator.money() }
            if generator.random.chance(1, in: 2) { valuation.asOf = generator.date() }
            valuation.approximate = generator.random.chance(1, in: 2)
            return valuation
        }
        deal.strategicTerms = self.repeated { generator in
            var term = Dealstore_V1_StrategicTerm()
            term.kind = .init(rawValue: generator.enumValue(upTo: 6)) ?? .unspecified
            term.partyID = generator.random.chance(1, in: 3) ? "" : generator.organizationID()
            term.value = generator.wild() ? generator.text() : "term \(generator.counter)"
            if generator.random.chance(1, in: 2) { term.since = generator.date() }
            return term
        }
        if !sourceIDs.isEmpty {
            deal.disputedClaims = self.repeated { generator in
                var claim = Dealstore_V1_DisputedClaim()
                claim.id = generator.wild() ? "c" : "c\(generator.uniqueNumber())"
                claim.field = generator.wild() ? generator.text() : generator.random.pick(Self.dealFields)
                claim.claimedValue = generator.text()
                claim.sourceID = generator.wild() ? generator.sourceID() : generator.random.pick(sourceIDs)
                // Typed claims (issue 18 part 6): a path by element id, a value of any type, a status.
                if generator.random.chance(1, in: 2) {
                    claim.field = generator.random.pick([
                        "amount", "announced", "target_id", "participations[\(generator.organizationID())].committed",
                        "tranches[t1].due", "participations.stake", generator.text(),
                    ])
                    switch generator.random.next() % 4 {
                    case 0: claim.claimed.money = generator.money()
                    case 1: claim.claimed.date = generator.date()
                    case 2: claim.claimed.organizationID = generator.organizationID()
                    default: claim.claimed.text = generator.text()
                    }
                    if generator.random.chance(1, in: 3) { claim.accepted.money = generator.money() }
                    if generator.random.chance(1, in: 3) {
                        claim.status = .resolved
                        claim.resolvedBy = generator.text()
                        claim.resolvedTimeMicros = generator.int64()
                    }
                }
                return claim
            }
        }
        if self.random.chance(1, in: 4) { deal.notes = self.text() }
        if self.random.chance(1, in: 10) {
            deal.meta.createRevision = self.uint64()
            deal.meta.updateRevision = self.uint64()
            deal.meta.etag = self.etag()
            deal.meta.createTimeMicros = self.int64()
        }
        return deal
    }

    private mutating func organization() -> Dealstore_V1_Organization {
        var organization = Dealstore_V1_Organization()
        organization.id = self.wild() ? self.organizationID() : "fz-org-\(self.smallNumber())"
        organization.name = self.wild() ? self.text() : "Fuzz Org \(self.uniqueNumber())"
        organization.aliases = self.repeated { $0.wild() ? $0.text() : "Fuzz Alias \($0.uniqueNumber())" }
        organization.kind = .init(rawValue: self.enumValue(upTo: 5)) ?? .unspecified
        if self.random.chance(1, in: 3) {
            for (key, value) in self.repeated({ ($0.text(), $0.text()) }) {
                organization.externalIds[key] = value
            }
        }
        if self.random.chance(1, in: 3) { organization.description_p = self.text() }
        if self.random.chance(1, in: 3) { organization.website = self.text() }
        return organization
    }

    private mutating func filter() -> Dealstore_V1_DealFilter {
        var filter = Dealstore_V1_DealFilter()
        if self.random.chance(1, in: 3) { filter.investorIds = self.repeated { $0.organizationID() } }
        if self.random.chance(1, in: 3) { filter.targetID = self.organizationID() }
        if self.random.chance(1, in: 4) { filter.leadInvestorID = self.organizationID() }
        if self.random.chance(1, in: 4) {
            filter.types = self.repeated { .init(rawValue: $0.enumValue(upTo: 9)) ?? .unspecified }
        }
        if self.random.chance(1, in: 4) {
            filter.statuses = self.repeated { .init(rawValue: $0.enumValue(upTo: 4)) ?? .unspecified }
        }
        if self.random.chance(1, in: 4) { filter.announcedFrom = self.date() }
        if self.random.chance(1, in: 4) { filter.announcedTo = self.date() }
        if self.random.chance(1, in: 4) { filter.minAmount = self.money() }
        if self.random.chance(1, in: 4) { filter.maxAmount = self.money() }
        if self.random.chance(1, in: 4) { filter.currencyCode = self.currency() }
        if self.random.chance(1, in: 5) { filter.strategicTerm = self.text() }
        if self.random.chance(1, in: 5) {
            filter.strategicTermKind = .init(rawValue: self.enumValue(upTo: 6)) ?? .unspecified
        }
        if self.random.chance(1, in: 4) { filter.query = self.text() }
        return filter
    }

    // MARK: Values

    /// Whether this field gets a hostile value instead of a valid one.
    private mutating func wild() -> Bool {
        self.wildness > 0 && self.random.chance(1, in: self.wildness)
    }

    /// A repeated field: mostly 0 to 3 elements, sometimes thousands.
    private mutating func repeated<Element>(_ make: (inout Self) -> Element) -> [Element] {
        let count = self.count()
        let outer = self.insideRepeated
        self.insideRepeated = true
        defer { self.insideRepeated = outer }
        return (0..<count).map { _ in make(&self) }
    }

    private mutating func count() -> Int {
        if !self.insideRepeated && !self.hugeUsed && self.random.chance(1, in: 60) {
            self.hugeUsed = true
            return Int.random(in: 1000...5000, using: &self.random)
        }
        return Int.random(in: 0...3, using: &self.random)
    }

    private mutating func smallNumber() -> Int {
        Int.random(in: 0..<50, using: &self.random)
    }

    /// Few deal ids, so updates, reads and deletes find the deals creates made.
    private mutating func dealNumber() -> Int {
        Int.random(in: 0..<12, using: &self.random)
    }

    /// A number no other call of this run used, for ids that must be unique within a record.
    private mutating func uniqueNumber() -> Int {
        self.unique += 1
        return self.unique
    }

    private mutating func sourceReferences(_ ids: [String]) -> [String] {
        if self.wild() {
            return [self.sourceID()]
        }
        return ids.isEmpty || self.random.chance(1, in: 2) ? [] : [self.random.pick(ids)]
    }

    /// Money: a valid currency and a non-negative amount, from small to Int64.max, unless wild.
    private mutating func money() -> Dealstore_V1_Money {
        var money = Dealstore_V1_Money()
        money.currencyCode = self.wild() ? self.currency() : self.random.chance(4, in: 5) ? "USD" : "EUR"
        if self.wild() {
            money.units = self.int64()
        } else if self.random.chance(1, in: 3) {
            money.units = Int64.random(in: 0...1_000_000_000, using: &self.random)
        } else {
            money.units = self.random.pick([
                Int64.max, Int64.max - 1, Int64.max / 2 + 1, 1_000_000_000_000_000, 1_000_000_000_000_001,
                9_223_372_036, 9_223_372_037, Int64(UInt32.max) + 1,
            ])
        }
        money.nanos = self.wild() ? self.nanos() : self.random.pick([0, 0, 0, 1, 999_999_999])
        return money
    }

    private mutating func nanos() -> Int32 {
        self.random.pick([1, 999_999_999, 1_000_000_000, -1, -999_999_999, Int32.max, Int32.min, 500_000_000])
    }

    private mutating func fraction() -> Dealstore_V1_Fraction {
        var fraction = Dealstore_V1_Fraction()
        if self.wild() {
            fraction.numerator = self.int64()
            fraction.denominator = self.random.pick([0, 1, 100, -1, Int64.min, Int64.max])
        } else {
            fraction.denominator = self.random.pick([1, 100, 1_000_000, Int64.max])
            fraction.numerator = Int64.random(in: 0...fraction.denominator, using: &self.random)
        }
        fraction.approximate = self.random.chance(1, in: 2)
        fraction.upperBound = self.random.chance(1, in: 2)
        return fraction
    }

    /// A partial date valid for its precision, unless wild: then any year, month, day and precision.
    private mutating func date() -> Dealstore_V1_PartialDate {
        var date = Dealstore_V1_PartialDate()
        if self.wild() {
            date.year = self.random.pick([2024, 0, 1, -1, 1799, 2201, 9999, Int32.max, Int32.min, 1_000_000])
            date.month = self.random.pick([0, 1, 6, 12, 13, -1, Int32.max, Int32.min])
            date.day = self.random.pick([0, 1, 29, 31, 32, -1, Int32.max, Int32.min])
            date.precision = .init(rawValue: self.enumValue(upTo: 4)) ?? .unspecified
            return date
        }
        date.year = self.random.pick([1800, 1999, 2020, 2023, 2024, 2025, 2200])
        switch Int.random(in: 0..<4, using: &self.random) {
        case 0:
            date.precision = .day
            date.month = Int32.random(in: 1...12, using: &self.random)
            date.day = self.random.pick([1, 15, 28, 29, 30, 31])
        case 1:
            date.precision = .month
            date.month = Int32.random(in: 1...12, using: &self.random)
        case 2:
            date.precision = .quarter
            date.month = self.random.pick([3, 6, 9, 12])
        default:
            date.precision = .year
        }
        return date
    }

    private mutating func int64() -> Int64 {
        if self.random.chance(1, in: 3) {
            return Int64.random(in: Int64.min...Int64.max, using: &self.random)
        }
        return self.random.pick([
            0, 1, -1, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1, 1_000_000_000_000_000,
            1_000_000_000_000_001, 9_223_372_036, 9_223_372_037, Int64(Int32.max), Int64(UInt32.max),
            Int64(UInt32.max) + 1, Int64.max / 2 + 1,
        ])
    }

    private mutating func int32() -> Int32 {
        if self.random.chance(1, in: 2) {
            return Int32.random(in: 0...120, using: &self.random)
        }
        return self.random.pick([0, 1, -1, Int32.max, Int32.min, 1000, 1001, 10_000, 1_000_000, Int32.max - 1])
    }

    private mutating func uint64() -> UInt64 {
        if self.random.chance(1, in: 3) {
            return UInt64.random(in: 0...2_000, using: &self.random)
        }
        return self.random.pick([
            0, 1, UInt64.max, UInt64.max - 1, UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64(UInt32.max),
            UInt64(UInt32.max) + 1, 1 << 53,
        ])
    }

    /// An enum's raw value: one of its cases (`0...last`), or, when wild, one no case has.
    private mutating func enumValue(upTo last: Int = 6) -> Int {
        if !self.wild() {
            return Int.random(in: 0...last, using: &self.random)
        }
        return self.random.pick([-1, last + 1, 100, Int(Int32.max), Int(Int32.min)])
    }

    private mutating func currency() -> String {
        self.random.pick(["USD", "EUR", "JPY", "GBP", "usd", "", "XXX", "ZZZ", "US", "USDD", "€", "BHD", "KWD"])
    }

    static let organizationIDs = [
        "amazon", "anthropic", "google", "microsoft", "openai", "techcrunch", "financial-times",
    ]

    private mutating func organizationID() -> String {
        if !self.wild() {
            return self.random.pick(Self.organizationIDs)
        }
        return self.random.chance(1, in: 2) ? "fz-org-\(self.smallNumber())" : self.text()
    }

    private mutating func dealID() -> String {
        switch Int.random(in: 0..<4, using: &self.random) {
        case 0: "amazon-anthropic-2023"
        case 1, 2: "fz-deal-\(self.dealNumber())"
        default: self.text()
        }
    }

    private mutating func sourceID() -> String {
        self.random.chance(4, in: 5) ? "s\(self.smallNumber() % 8)" : self.text()
    }

    private mutating func etag() -> String {
        guard self.wild() else { return "" }
        return self.random.chance(1, in: 2) ? "r\(self.smallNumber())" : self.text()
    }

    private mutating func pageToken() -> String {
        switch Int.random(in: 0..<10, using: &self.random) {
        case 0...5: return ""
        case 6: return self.realPageToken
        case 7:
            // The real token with one character changed.
            var characters = Array(self.realPageToken)
            if !characters.isEmpty {
                characters[Int.random(in: 0..<characters.count, using: &self.random)] = self.random.pick([
                    "A", "/", "=", "-", "_", "0", "~",
                ])
            }
            return String(characters)
        case 8:
            return Data(self.random.bytes(Int.random(in: 0...64, using: &self.random))).base64EncodedString()
        default:
            return self.text()
        }
    }

    /// Field masks: valid names, nested paths, garbage, duplicates, empty strings and thousands of entries.
    private mutating func fieldMask(_ fields: [String]) -> [String] {
        if self.random.chance(1, in: 4) {
            return []
        }
        if self.random.chance(1, in: 40) {
            return (0..<3000).map { _ in self.random.pick(fields) }
        }
        return (0..<Int.random(in: 1...4, using: &self.random)).map { _ in
            guard self.wild() else { return self.random.pick(fields) }
            return self.random.chance(1, in: 2) ? self.random.pick(Self.invalidMaskFields) : self.text()
        }
    }

    private mutating func text() -> String {
        switch Int.random(in: 0..<14, using: &self.random) {
        case 0: return ""
        case 1:
            let length = self.insideRepeated ? 64 : Int.random(in: 64...70_000, using: &self.random)
            return String(repeating: "x", count: length)
        case 2: return "\u{0}"
        case 3: return "line\nbreak\r\n\t"
        case 4: return "\u{1B}[31mred\u{1B}[0m\u{7}"
        case 5: return "=HYPERLINK(\"http://x\")"
        case 6: return "🚀👩‍👩‍👧‍👦\u{202E}rtl\u{200B}e\u{301}"
        case 7: return "../../etc/passwd"
        case 8: return "Amazon"
        case 9: return " amazon "
        case 10: return "a-"
        case 11: return String(repeating: "é", count: 64)
        case 12: return "%s%n%x{}\\"
        default: return "fz-\(self.smallNumber())"
        }
    }

    // MARK: Mutations

    /// One raw change to a serialized message.
    mutating func mutate(_ bytes: [UInt8], stringPaths: [[UInt32]]) -> [UInt8] {
        var bytes = bytes
        switch Int.random(in: 0..<10, using: &self.random) {
        case 0:
            // Truncated: a field cut in the middle.
            if !bytes.isEmpty {
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &self.random))
            }
        case 1:
            for _ in 0..<Int.random(in: 1...4, using: &self.random) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &self.random)] ^= UInt8.random(
                    in: 1...255,
                    using: &self.random
                )
            }
        case 2:
            let at = Int.random(in: 0...bytes.count, using: &self.random)
            bytes.insert(contentsOf: self.random.bytes(Int.random(in: 1...16, using: &self.random)), at: at)
        case 3, 4:
            let path = stringPaths.isEmpty ? [1] : self.random.pick(stringPaths)
            bytes += DealFuzzWire.nested(path, bytes: self.random.pick(DealFuzzWire.invalidUTF8))
        case 5:
            bytes += self.unknownField()
        case 6:
            // Unknown groups nested deeper than any decoder should recurse.
            let depth = self.random.pick([64, 101, 1000, 20_000])
            let field = UInt32.random(in: 100...1000, using: &self.random)
            for _ in 0..<depth { bytes += DealFuzzWire.tag(field, DealFuzzWire.startGroup) }
            for _ in 0..<depth { bytes += DealFuzzWire.tag(field, DealFuzzWire.endGroup) }
        case 7:
            bytes = self.random.bytes(Int.random(in: 0...64, using: &self.random))
        case 8:
            // The message twice: protobuf merges, so repeated fields double and sub-messages merge.
            bytes += bytes
        default:
            // A length that runs past the end, or a varint that never ends.
            bytes +=
                self.random.chance(1, in: 2)
                ? DealFuzzWire.tag(1, DealFuzzWire.lengthDelimited) + DealFuzzWire.varint(UInt64.max >> 1)
                : DealFuzzWire.tag(2, DealFuzzWire.varint) + Array(repeating: 0xFF, count: 11)
        }
        return bytes
    }

    private mutating func unknownField() -> [UInt8] {
        let field = self.random.pick([
            UInt32(99), 1000, 19000, 536_870_911, UInt32.random(in: 18...5000, using: &self.random),
        ])
        switch Int.random(in: 0..<4, using: &self.random) {
        case 0: return DealFuzzWire.tag(field, DealFuzzWire.varint) + DealFuzzWire.varint(self.uint64())
        case 1: return DealFuzzWire.tag(field, DealFuzzWire.fixed64) + self.random.bytes(8)
        case 2: return DealFuzzWire.tag(field, DealFuzzWire.fixed32) + self.random.bytes(4)
        default:
            return DealFuzzWire.field(field, bytes: self.random.bytes(Int.random(in: 0...100, using: &self.random)))
        }
    }
}
