/// Readable names for the messages tools touch most. They are the generated types themselves (aliases, not
/// wrappers), so `Dealstore_V1_Deal` and `Deal` mix freely and every generated property and API applies.

/// A deal: a funding round, acquisition or other transaction (`dealstore.v1.Deal`).
public typealias Deal = Dealstore_V1_Deal
/// An organization: a company, investor or both (`dealstore.v1.Organization`).
public typealias DealOrganization = Dealstore_V1_Organization
/// An exact amount in one currency: whole `units` and `nanos` (`dealstore.v1.Money`).
public typealias DealMoney = Dealstore_V1_Money
/// Which deals a list, export, summary or watch covers (`dealstore.v1.DealFilter`).
public typealias DealFilter = Dealstore_V1_DealFilter
/// A date known to a day, month, quarter or year (`dealstore.v1.PartialDate`).
public typealias DealPartialDate = Dealstore_V1_PartialDate
/// One change of the change feed, with its revision (`dealstore.v1.ChangeEvent`).
public typealias DealChangeEvent = Dealstore_V1_ChangeEvent
/// A deal or an organization, as exported, imported and watched (`dealstore.v1.DealRecord`).
public typealias DealRecord = Dealstore_V1_DealRecord
/// One investor's part in a deal (`dealstore.v1.Participation`).
public typealias DealParticipation = Dealstore_V1_Participation
/// A tranche of a deal (`dealstore.v1.Tranche`).
public typealias DealTranche = Dealstore_V1_Tranche
/// Totals of committed and funded money for one group (`dealstore.v1.SummaryGroup`).
public typealias DealSummaryGroup = Dealstore_V1_SummaryGroup
/// A company's deals, tranches and valuations in date order (`dealstore.v1.Timeline`).
public typealias DealTimeline = Dealstore_V1_Timeline
