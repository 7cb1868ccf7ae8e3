public import DealModel
public import DealProtocol

/// Small valid records against the bundled organizations, shared by the test targets that write through a real
/// dealsd (server and cluster tests).
public enum DealTestRecords {
    /// `units` whole US dollars.
    public static func usd(_ units: Int64) -> Dealstore_V1_Money {
        var money = Dealstore_V1_Money()
        money.currencyCode = "USD"
        money.units = units
        return money
    }

    /// An announced May 2024 deal of `amount` dollars by amazon in anthropic.
    public static func deal(id: String, amount: Int64 = 1_000_000) -> Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = id
        deal.targetID = "anthropic"
        deal.type = .corporateStrategic
        deal.status = .announced
        deal.title = "test deal \(id)"
        deal.announced.year = 2024
        deal.announced.month = 5
        deal.announced.precision = .month
        deal.amount = Self.usd(amount)
        var participation = Dealstore_V1_Participation()
        participation.investorID = "amazon"
        participation.role = .lead
        participation.committed = Self.usd(amount)
        deal.participations = [participation]
        return deal
    }

    /// A CreateDealRequest for ``deal(id:amount:)``.
    public static func createRequest(id: String, amount: Int64 = 1_000_000) -> Dealstore_V1_CreateDealRequest {
        var request = Dealstore_V1_CreateDealRequest()
        request.deal = Self.deal(id: id, amount: amount)
        return request
    }
}
