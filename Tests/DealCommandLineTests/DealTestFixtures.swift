import DealModel

/// Deals from the bundled dataset's shape, built in code so tests need no server.
enum DealTestFixtures {
    static func money(_ units: Int64, _ currency: String = "USD") -> Dealstore_V1_Money {
        var money = Dealstore_V1_Money()
        money.units = units
        money.currencyCode = currency
        return money
    }

    static var amazonAnthropic: Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = "amazon-anthropic-2023"
        deal.targetID = "anthropic"
        deal.type = .corporateStrategic
        deal.status = .closed
        deal.title = "Amazon invests in Anthropic, \"up to\" $4B"
        deal.announced.year = 2023
        deal.announced.month = 9
        deal.announced.precision = .month
        deal.amount = Self.money(1_250_000_000)
        deal.commitmentCap = Self.money(4_000_000_000)
        var participation = Dealstore_V1_Participation()
        participation.investorID = "amazon"
        participation.role = .lead
        participation.committed = Self.money(4_000_000_000)
        deal.participations = [participation]
        var tranche = Dealstore_V1_Tranche()
        tranche.id = "option-exercise"
        tranche.investorID = "amazon"
        tranche.kind = .optionExercise
        tranche.amount = Self.money(2_750_000_000)
        tranche.status = .funded
        deal.tranches = [tranche]
        deal.meta.etag = "e1"
        return deal
    }

    static var googleAnthropic: Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = "google-anthropic-2023-02"
        deal.targetID = "anthropic"
        deal.type = .corporateStrategic
        deal.status = .closed
        deal.title = "Google takes ~10% of Anthropic"
        deal.announced.year = 2023
        deal.announced.month = 2
        deal.announced.precision = .month
        deal.amount = Self.money(300_000_000)
        var participation = Dealstore_V1_Participation()
        participation.investorID = "google"
        participation.stake.numerator = 1
        participation.stake.denominator = 10
        participation.stake.approximate = true
        deal.participations = [participation]
        return deal
    }
}
