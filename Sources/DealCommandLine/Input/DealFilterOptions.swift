public import ArgumentParser
public import DealModel

/// The deal filter flags shared by `list`, `export`, `totals` and `top`.
public struct DealFilterOptions: ParsableArguments, Sendable {
    @Option(
        help: ArgumentHelp("Deals this organization invested in (id, name or alias); repeatable.", valueName: "org")
    )
    var investor: [String] = []

    @Option(help: ArgumentHelp("Deals in this organization.", valueName: "org"))
    var target: String?

    @Option(help: ArgumentHelp("Deals led by this organization.", valueName: "org"))
    var lead: String?

    @Option(help: ArgumentHelp("Deal type, e.g. corporate-strategic, venture; repeatable.", valueName: "type"))
    var type: [String] = []

    @Option(help: ArgumentHelp("Deal status: rumored, announced, closed, cancelled; repeatable.", valueName: "status"))
    var status: [String] = []

    @Option(help: ArgumentHelp("Announced on or after: 2023, 2023-09, Q3-2023, 2023-09-25.", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Announced on or before (the end of the period): 2024, Q1-2024.", valueName: "date"))
    var until: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Headline amount at least: 1B, $500M, \"2 milliards\".", valueName: "amount")
    )
    var min: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Headline amount at most.", valueName: "amount"))
    var max: String?

    @Option(help: ArgumentHelp("Headline amount in this currency (ISO 4217), e.g. USD.", valueName: "code"))
    var currency: String?

    @Option(help: ArgumentHelp("Strategic term value, e.g. AWS, TPU, Azure.", valueName: "value"))
    var term: String?

    @Option(
        name: [.customShort("q"), .long],
        help: ArgumentHelp("Free text in titles, notes and names.", valueName: "text")
    )
    var query: String?

    /// Creates an empty filter.
    public init() {}

    /// The filter message; throws ``DealInputError`` or ``DealMoneyParseError`` for unreadable values.
    public func filter() throws -> Dealstore_V1_DealFilter {
        var filter = Dealstore_V1_DealFilter()
        filter.investorIds = self.investor
        filter.targetID = self.target ?? ""
        filter.leadInvestorID = self.lead ?? ""
        filter.types = try self.type.map { text throws(DealInputError) in
            try DealEnumNames.parse(text, as: Dealstore_V1_DealType.self, what: "deal type")
        }
        filter.statuses = try self.status.map { text throws(DealInputError) in
            try DealEnumNames.parse(text, as: Dealstore_V1_DealStatus.self, what: "deal status")
        }
        if let since = self.since {
            filter.announcedFrom = try DealDateParser.parse(since)
        }
        if let until = self.until {
            filter.announcedTo = try DealDateParser.parse(until)
        }
        let currency = self.currency?.uppercased()
        let parser = DealMoneyParser(defaultCurrency: currency ?? "USD")
        if let min = self.min {
            filter.minAmount = try parser.parse(min)
        }
        if let max = self.max {
            filter.maxAmount = try parser.parse(max)
        }
        filter.currencyCode = currency ?? ""
        filter.strategicTerm = self.term ?? ""
        filter.query = self.query ?? ""
        return filter
    }
}
