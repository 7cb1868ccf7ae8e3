import DealModel
import DealStore
import Testing

@Suite("Validation")
struct DealValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let field: String
        let mutate: @Sendable (inout Dealstore_V1_Deal) -> Void
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(name: "bad id", field: "id") { $0.id = "Bad_ID" },
        Case(name: "id too long", field: "id") { $0.id = String(repeating: "a", count: 64) },
        Case(name: "unknown target", field: "target_id") { $0.targetID = "nobody" },
        Case(name: "unknown investor", field: "participations[0].investor_id") {
            $0.participations[0].investorID = "nobody"
        },
        Case(name: "negative amount", field: "amount") { $0.amount.units = -5 },
        Case(name: "nanos out of range", field: "amount.nanos") { $0.amount.nanos = 1_000_000_000 },
        Case(name: "mixed signs", field: "amount") {
            $0.amount.units = 1
            $0.amount.nanos = -1
        },
        Case(name: "unknown currency", field: "amount.currency_code") { $0.amount.currencyCode = "XYZ" },
        Case(name: "lower-case currency", field: "participations[0].committed.currency_code") {
            $0.participations[0].committed.currencyCode = "usd"
        },
        Case(name: "tranches above cap", field: "tranches") { deal in
            deal.commitmentCap = TestStores.usd(100)
            var tranche = Dealstore_V1_Tranche()
            tranche.id = "t1"
            tranche.investorID = "investor"
            tranche.amount = TestStores.usd(150)
            tranche.status = .committed
            deal.tranches = [tranche]
        },
        Self.impossibleDay("31 February", year: 2024, month: 2, day: 31),
        Self.impossibleDay("29 February of a common year", year: 2023, month: 2, day: 29),
        Self.impossibleDay("31 April", year: 2023, month: 4, day: 31),
        Case(name: "quarter month", field: "announced.month") {
            $0.announced.precision = .quarter
            $0.announced.month = 5
        },
        Case(name: "unknown source", field: "participations[0].source_ids[0]") {
            $0.participations[0].sourceIds = ["nowhere"]
        },
        Case(name: "stake denominator", field: "participations[0].stake.denominator") {
            $0.participations[0].stake.numerator = 1
        },
        Case(name: "claim without source", field: "disputed_claims[0].source_id") { deal in
            var claim = Dealstore_V1_DisputedClaim()
            claim.id = "c1"
            claim.field = "target_id"
            claim.sourceID = "missing"
            deal.disputedClaims = [claim]
        },
        Case(name: "exercised by unknown tranche", field: "options[0].exercised_by_tranche_id") { deal in
            var option = Dealstore_V1_InvestmentOption()
            option.id = "o1"
            option.holderID = "investor"
            option.exercisedByTrancheID = "t9"
            deal.options = [option]
        },
        Case(name: "more than 1,000 participations", field: "participations") { deal in
            deal.participations = Array(repeating: deal.participations[0], count: 1_001)
        },
        Case(name: "more than 1,000 tranches", field: "tranches") { deal in
            deal.tranches = Array(repeating: Dealstore_V1_Tranche(), count: 1_001)
        },
        Case(name: "notes over 64 KiB", field: "notes") { $0.notes = String(repeating: "n", count: 65_537) },
        Case(name: "title over 1 KiB", field: "title") { $0.title = String(repeating: "t", count: 1_025) },
    ]

    @Test("lists and texts of an organization are bounded too, with a message naming the field")
    func organizationBounds() async throws {
        try await TestStores.withStore { store in
            let aliases = (0...1_000).map { "alias-\($0)" }
            let tooMany = await #expect(throws: DealStoreError.self) {
                try await store.createOrganization(TestStores.organization("many", aliases: aliases))
            }
            #expect(tooMany?.message.hasPrefix("aliases:") == true, "\(tooMany?.message ?? "")")
            let long = await #expect(throws: DealStoreError.self) {
                try await store.createOrganization(
                    TestStores.organization("long", aliases: [String(repeating: "a", count: 1_025)])
                )
            }
            #expect(long?.message.hasPrefix("aliases[0]:") == true, "\(long?.message ?? "")")
            // At the limits they are accepted.
            _ = try await store.createOrganization(
                TestStores.organization("limit", aliases: Array(aliases.prefix(1_000)))
            )
        }
    }

    @Test("a long or repeating order_by and a long filter.query are refused before any deal is visited")
    func queryBounds() async throws {
        try await TestStores.withStore(seed: true) { store in
            let repeated = #expect(throws: DealStoreError.self) {
                try store.listDeals(orderBy: Array(repeating: "amount", count: 590_000).joined(separator: ","))
            }
            #expect(repeated?.code == .invalidArgument)
            #expect(repeated?.message.hasPrefix("order_by:") == true, "\(repeated?.message ?? "")")
            let twice = #expect(throws: DealStoreError.self) { try store.listDeals(orderBy: "amount, amount desc") }
            #expect(twice?.message.hasPrefix("order_by[1]:") == true, "\(twice?.message ?? "")")
            var filter = Dealstore_V1_DealFilter()
            filter.query = String(repeating: "q", count: 257)
            let query = #expect(throws: DealStoreError.self) { try store.listDeals(filter: filter) }
            #expect(query?.message.hasPrefix("filter.query:") == true, "\(query?.message ?? "")")
            filter.query = "anthropic"
            let found = try store.listDeals(filter: filter)
            #expect(!found.deals.isEmpty)
            let ordered = try store.listDeals(orderBy: "amount desc, announced, update_revision, id")
            #expect(!ordered.deals.isEmpty)
        }
    }

    /// A DAY-precision announcement date that is no day of the calendar.
    static func impossibleDay(_ name: String, year: Int32, month: Int32, day: Int32) -> Case {
        Case(name: name, field: "announced.day") {
            $0.announced.precision = .day
            $0.announced.year = year
            $0.announced.month = month
            $0.announced.day = day
        }
    }

    @Test("invalid deals are refused with a message naming the field", arguments: Self.cases)
    func invalidDeal(testCase: Case) async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            var deal = TestStores.deal("d1")
            testCase.mutate(&deal)
            let error = await #expect(throws: DealStoreError.self) { try await store.createDeal(deal) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix(testCase.field + ":") == true, "\(error?.message ?? "")")
            #expect(store.dealCount == 0)
        }
    }

    @Test("duplicate ids, referenced organizations, and names are refused")
    func preconditions() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            _ = try await store.createDeal(TestStores.deal("d1"))
            let duplicate = await #expect(throws: DealStoreError.self) {
                try await store.createDeal(TestStores.deal("d1"))
            }
            #expect(duplicate?.code == .alreadyExists)
            let referenced = await #expect(throws: DealStoreError.self) {
                try await store.deleteOrganization(id: "target")
            }
            #expect(referenced?.code == .failedPrecondition)
            let sameName = await #expect(throws: DealStoreError.self) {
                try await store.createOrganization(TestStores.organization("target-2", name: "TARGET"))
            }
            #expect(sameName?.code == .alreadyExists)
            _ = try await store.deleteDeal(id: "d1")
            try await store.deleteOrganization(id: "target")
            #expect(store.organizationCount == 1)
        }
    }

    @Test("names and aliases are rewritten to ids; validate-only writes nothing")
    func referencesByName() async throws {
        try await TestStores.withStore { store in
            _ = try await store.createOrganization(
                TestStores.organization("target", name: "Target Inc", aliases: ["TGT"])
            )
            _ = try await store.createOrganization(TestStores.organization("investor"))
            let checked = try await store.createDeal(
                TestStores.deal("d1", target: "tgt", investor: "INVESTOR"),
                validateOnly: true
            )
            #expect(checked.targetID == "target")
            #expect(store.dealCount == 0)
            let created = try await store.createDeal(TestStores.deal("", target: "Target Inc"))
            #expect(created.id.isEmpty == false)
            #expect(created.participations[0].investorID == "investor")
        }
    }

    @Test("the last day of each month is accepted, 29 February only in leap years (2024, 2000; not 1900)")
    func lastDaysOfMonths() async throws {
        try await TestStores.withStore { store in
            for id in ["target", "investor"] { _ = try await store.createOrganization(TestStores.organization(id)) }
            let accepted: [(Int32, Int32, Int32)] = [(2024, 2, 29), (2000, 2, 29), (2023, 4, 30), (2023, 12, 31)]
            for (year, month, day) in accepted {
                var deal = TestStores.deal("d1")
                deal.announced.precision = .day
                deal.announced.year = year
                deal.announced.month = month
                deal.announced.day = day
                _ = try await store.createDeal(deal, validateOnly: true)
            }
            var deal = TestStores.deal("d1")
            deal.announced.precision = .day
            deal.announced.year = 1900
            deal.announced.month = 2
            deal.announced.day = 29
            let error = await #expect(throws: DealStoreError.self) { try await store.createDeal(deal) }
            #expect(error?.message.hasPrefix("announced.day: 29 is not a day of 1900-2") == true)
        }
    }

    @Test("CRC-32C matches the standard check value")
    func crc() {
        #expect(DealCRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(DealCRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }
}
