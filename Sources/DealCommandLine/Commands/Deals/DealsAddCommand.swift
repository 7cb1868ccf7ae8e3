public import ArgumentParser
public import DealModel
import DealProtocol
import SwiftProtobuf

/// `deals add`: creates a deal from flags or from a JSON file in the protobuf JSON mapping.
public struct DealsAddCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a deal.",
        discussion: """
            Examples:
              deals add --target anthropic --investor amazon --amount 1.25B --cap 4B --announced "Sep 2023" \\
                        --type corporate-strategic --status announced --title "Amazon invests in Anthropic"
              deals add --target anthropic --investor google --amount "300 millions" --announced 2023-02
              deals add --file deal.json            # a Deal in the protobuf JSON mapping ("-" reads stdin)
              deals add --file deal.json --dry-run  # validate only, print the deal as it would be stored

            Without --id the server derives one from the target, first investor and year. With one --investor,
            its committed amount is --amount.
            """
    )

    @Option(help: ArgumentHelp("A Deal as JSON (protobuf JSON mapping); - reads stdin.", valueName: "file"))
    var file: String?

    @Option(help: "The deal id (default: derived by the server).")
    var id: String?

    @Option(help: ArgumentHelp("The organization invested in.", valueName: "org"))
    var target: String?

    @Option(help: ArgumentHelp("An investing organization; repeatable.", valueName: "org"))
    var investor: [String] = []

    @Option(help: ArgumentHelp("Which --investor led the deal.", valueName: "org"))
    var lead: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Headline amount, e.g. 1.25B, \"300 millions\".", valueName: "amount")
    )
    var amount: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Most the deal can reach (\"up to\"), e.g. 4B.", valueName: "amount")
    )
    var cap: String?

    @Option(help: ArgumentHelp("When announced, e.g. \"Sep 2023\", Q1-2024.", valueName: "date"))
    var announced: String?

    @Option(help: ArgumentHelp("When closed.", valueName: "date"))
    var closed: String?

    @Option(help: "Deal type, e.g. corporate-strategic, venture, seed.")
    var type: String?

    @Option(help: "Deal status: rumored, announced, closed, cancelled.")
    var status: String?

    @Option(help: "A short title.")
    var title: String?

    @Option(help: "Free-form notes.")
    var notes: String?

    @OptionGroup var creation: DealCreateOptions
    @OptionGroup(title: "Connection Options") var connection: DealConnectionOptions

    public init() {}

    public func validate() throws {
        if self.file == nil && self.target == nil {
            throw ValidationError("give --target (and usually --investor and --amount), or --file deal.json")
        }
    }

    /// The deal the flags (and file) describe; flags override the file's fields.
    public func deal(context: DealCommandContext) throws -> Dealstore_V1_Deal {
        var deal = try DealDealRecords.record(from: self.file, context: context)
        if let id = self.id { deal.id = id }
        if let target = self.target { deal.targetID = target }
        if let title = self.title { deal.title = title }
        if let notes = self.notes { deal.notes = notes }
        if let type = self.type {
            deal.type = try DealEnumNames.parse(type, as: Dealstore_V1_DealType.self, what: "deal type")
        }
        if let status = self.status {
            deal.status = try DealEnumNames.parse(status, as: Dealstore_V1_DealStatus.self, what: "deal status")
        }
        if let announced = self.announced { deal.announced = try DealDateParser.parse(announced) }
        if let closed = self.closed { deal.closed = try DealDateParser.parse(closed) }
        if let amount = self.amount { deal.amount = try DealMoneyParser().parse(amount) }
        if let cap = self.cap { deal.commitmentCap = try DealMoneyParser().parse(cap) }
        if let lead = self.lead, !self.investor.contains(lead) {
            throw DealInputError("--lead \(lead) is not one of the --investor organizations")
        }
        for investor in self.investor {
            var participation = Dealstore_V1_Participation()
            participation.investorID = investor
            if let lead = self.lead {
                participation.role = investor == lead ? .lead : .participant
            }
            if self.investor.count == 1 && self.amount != nil {
                participation.committed = deal.amount
            }
            deal.participations.append(participation)
        }
        return deal
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        var request = Dealstore_V1_CreateDealRequest()
        request.deal = try self.deal(context: context)
        request.validateOnly = self.creation.dryRun
        try await DealDealRecords.create(request, options: self.creation, connection: self.connection, context: context)
    }
}
