import DealModel
import SwiftProtobuf

/// The compact in-memory form of one stored deal: its serialized bytes plus the few fields that filters, ordering,
/// summaries and referential checks read, so those never decode the message.
///
/// Why bytes rather than the decoded `Dealstore_V1_Deal`: a decoded deal with its nested messages costs several
/// kilobytes of heap (one class box per message with presence, arrays, unknown-field storage); the serialized form
/// of a typical deal is a few hundred bytes, and `get` decodes one message in a few microseconds.
///
/// A final class with only `let` properties (so `Sendable` without `@unchecked`): dictionary storage holds one
/// pointer per deal, and handing an entry out of the lock costs one retain instead of one per array and string.
final class DealIndexEntry: Sendable {
    /// The serialized `Dealstore_V1_Deal`, meta included.
    let bytes: [UInt8]
    let id: String
    let targetID: String
    /// Distinct investors of the participations, in order of first appearance.
    let investorIDs: [String]
    /// Bit i set: `investorIDs[i]` leads the deal (a mask rather than a second array: one allocation less per
    /// deal). Leads beyond the 64th investor are in `extraLeadIDs`.
    let leadMask: UInt64
    let extraLeadIDs: [String]
    /// Every organization the deal refers to (target, investors, option holders, strategic-term parties).
    /// Referenced organizations other than the target and the investors (usually none, so no allocation).
    let extraReferences: [String]
    let type: Int
    let status: Int
    /// `yyyymmdd` of the first and last day the announced date can denote; 0 when unknown.
    let announcedStart: Int32
    let announcedEnd: Int32
    let announcedYear: Int32
    let announcedQuarter: Int32
    let amountCurrency: String
    let amountNanos: Int128
    let hasAmount: Bool
    let updateRevision: UInt64
    let claimCount: Int
    /// Per investor and currency: committed and funded totals in nanos.
    let contributions: [DealContribution]

    init(deal: Dealstore_V1_Deal, bytes: [UInt8]) {
        self.bytes = bytes
        self.id = deal.id
        self.targetID = deal.targetID
        var investors: [String] = []
        var leads: [String] = []
        var contributions: [DealContribution] = []
        for participation in deal.participations {
            if !investors.contains(participation.investorID) { investors.append(participation.investorID) }
            if participation.role == .lead && !leads.contains(participation.investorID) {
                leads.append(participation.investorID)
            }
            if participation.hasCommitted {
                DealContribution.add(
                    investor: participation.investorID,
                    currency: participation.committed.currencyCode,
                    committed: participation.committed.totalNanos,
                    funded: 0,
                    to: &contributions
                )
            }
        }
        for tranche in deal.tranches where tranche.status == .funded && tranche.hasAmount {
            DealContribution.add(
                investor: tranche.investorID,
                currency: tranche.amount.currencyCode,
                committed: 0,
                funded: tranche.amount.totalNanos,
                to: &contributions
            )
        }
        var extra: [String] = []
        func reference(_ id: String) {
            if !id.isEmpty && id != deal.targetID && !investors.contains(id) && !extra.contains(id) { extra.append(id) }
        }
        for tranche in deal.tranches { reference(tranche.investorID) }
        for option in deal.options { reference(option.holderID) }
        for term in deal.strategicTerms { reference(term.partyID) }
        self.investorIDs = investors
        var mask: UInt64 = 0
        var extraLeads: [String] = []
        for lead in leads {
            let index = investors.firstIndex(of: lead) ?? 0
            if index < 64 { mask |= 1 << UInt64(index) } else { extraLeads.append(lead) }
        }
        self.leadMask = mask
        self.extraLeadIDs = extraLeads
        self.extraReferences = extra
        self.contributions = contributions
        self.type = deal.type.rawValue
        self.status = deal.status.rawValue
        if deal.hasAnnounced {
            let range = deal.announced.dayRange
            self.announcedStart = range.start
            self.announcedEnd = range.end
            self.announcedYear = deal.announced.year
            self.announcedQuarter = deal.announced.month > 0 ? (deal.announced.month - 1) / 3 + 1 : 0
        } else {
            self.announcedStart = 0
            self.announcedEnd = 0
            self.announcedYear = 0
            self.announcedQuarter = 0
        }
        self.hasAmount = deal.hasAmount
        self.amountCurrency = deal.amount.currencyCode
        self.amountNanos = deal.amount.totalNanos
        self.updateRevision = deal.meta.updateRevision
        self.claimCount = deal.disputedClaims.count
    }

    /// Rebuilds an entry from its snapshot encoding (see `DealIndexEntry+Codec.swift`).
    init(
        bytes: [UInt8],
        id: String,
        targetID: String,
        investorIDs: [String],
        leadMask: UInt64,
        extraLeadIDs: [String],
        extraReferences: [String],
        type: Int,
        status: Int,
        announced: (start: Int32, end: Int32, year: Int32, quarter: Int32),
        amount: (currency: String, nanos: Int128, present: Bool),
        updateRevision: UInt64,
        claimCount: Int,
        contributions: [DealContribution]
    ) {
        self.bytes = bytes
        self.id = id
        self.targetID = targetID
        self.investorIDs = investorIDs
        self.leadMask = leadMask
        self.extraLeadIDs = extraLeadIDs
        self.extraReferences = extraReferences
        self.type = type
        self.status = status
        self.announcedStart = announced.start
        self.announcedEnd = announced.end
        self.announcedYear = announced.year
        self.announcedQuarter = announced.quarter
        self.amountCurrency = amount.currency
        self.amountNanos = amount.nanos
        self.hasAmount = amount.present
        self.updateRevision = updateRevision
        self.claimCount = claimCount
        self.contributions = contributions
    }

    /// Whether `id` leads the deal.
    func isLead(_ id: String) -> Bool {
        guard let index = self.investorIDs.firstIndex(of: id) else { return false }
        return index < 64 ? self.leadMask & (1 << UInt64(index)) != 0 : self.extraLeadIDs.contains(id)
    }

    /// Every organization the deal refers to, each once.
    var references: [String] {
        var references = [self.targetID]
        for id in self.investorIDs where id != self.targetID { references.append(id) }
        return references + self.extraReferences
    }

    func decode() throws -> Dealstore_V1_Deal {
        try Dealstore_V1_Deal(serializedBytes: self.bytes)
    }
}

/// One investor's committed and funded totals in one currency within one deal.
struct DealContribution: Sendable {
    var investorID: String
    var currency: String
    var committed: Int128
    var funded: Int128

    static func add(
        investor: String,
        currency: String,
        committed: Int128,
        funded: Int128,
        to list: inout [DealContribution]
    ) {
        if let index = list.firstIndex(where: { $0.investorID == investor && $0.currency == currency }) {
            list[index].committed.addSaturating(committed)
            list[index].funded.addSaturating(funded)
        } else {
            list.append(
                DealContribution(investorID: investor, currency: currency, committed: committed, funded: funded)
            )
        }
    }
}

extension Dealstore_V1_Money {
    /// The largest amount a Money can carry, in nanos: Int64.max units and 999,999,999 nanos.
    static let maximumTotalNanos = Int128(Int64.max) * 1_000_000_000 + 999_999_999

    /// The amount in nanos (units × 10⁹ + nanos); Int128 because $10B is already 10¹⁹ nanos. Never traps: any
    /// Int64 units and Int32 nanos fit with room to spare.
    var totalNanos: Int128 {
        Int128(self.units) * 1_000_000_000 + Int128(self.nanos)
    }

    /// `totalNanos` as a Money, clamped to what a Money can carry (an aggregate of many amounts may not fit);
    /// `saturated` says whether it was clamped, so callers report it rather than hand out a wrong total.
    init(currencyCode: String, totalNanos: Int128, saturated: inout Bool) {
        self.init()
        self.currencyCode = currencyCode
        let limit = Self.maximumTotalNanos
        let clamped = min(max(totalNanos, -limit), limit)
        saturated = clamped != totalNanos
        self.units = Int64(clamped / 1_000_000_000)
        self.nanos = Int32(clamped % 1_000_000_000)
    }
}

extension Int128 {
    /// Adds `other`, sticking at `Int128.max` or `.min` instead of trapping: sums of stored amounts use it, so no
    /// number of deals (nor data written before amounts had a maximum) can crash a summary.
    mutating func addSaturating(_ other: Int128) {
        let (sum, overflow) = self.addingReportingOverflow(other)
        self = overflow ? (other > 0 ? .max : .min) : sum
    }
}

extension Dealstore_V1_PartialDate {
    /// `yyyymmdd` of the first and last day this date can denote.
    var dayRange: (start: Int32, end: Int32) {
        // Clamped so that no year or month, however large, overflows `yyyymmdd` arithmetic; valid dates
        // (years 1800 to 2200) are unchanged.
        let year = min(max(self.year, -99_999), 99_999)
        let month = min(max(self.month, -99), 99)
        let day = min(max(self.day, -99), 99)
        switch self.precision {
        case .day:
            let value = year * 10_000 + month * 100 + day
            return (value, value)
        case .month:
            return (year * 10_000 + month * 100 + 1, year * 10_000 + month * 100 + 31)
        case .quarter:
            return (year * 10_000 + (month - 2) * 100 + 1, year * 10_000 + month * 100 + 31)
        default:
            return (year * 10_000 + 101, year * 10_000 + 1231)
        }
    }

    /// A sortable key: the first day the date can denote.
    var sortKey: Int32 { self.dayRange.start }
}
