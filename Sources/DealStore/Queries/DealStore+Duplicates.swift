public import DealModel

extension DealStore {
    /// Pairs of deals that may be the same deal stored twice, for a person to confirm (then merge or delete one).
    ///
    /// A pair is proposed when both deals match `filter`, have the same target, dates (announced, else closed) at
    /// most `maximumDaysApart` days apart (partial dates as the days they can denote: "Sep 2023" and "27 Sep 2023"
    /// are 0 days apart), and headline amounts that are not known to differ: in the same currency within
    /// `tolerancePercent` percent of the larger, or not comparable (one missing, or two currencies; then
    /// `amounts_compared` is false). A deal without any date is never proposed. Closest pairs first (days apart,
    /// then amount difference, then ids); at most `limit` (0: 100, at most 1000).
    public func duplicateDeals(
        filter: Dealstore_V1_DealFilter = Dealstore_V1_DealFilter(),
        maximumDaysApart: Int = 31,
        tolerancePercent: Int = 10,
        limit: Int = 100
    ) throws(DealStoreError) -> (candidates: [Dealstore_V1_DuplicateCandidate], revision: UInt64) {
        if maximumDaysApart < 0 || maximumDaysApart > 3_660 {
            throw .invalid("max_days_apart", "\(maximumDaysApart) is out of range: give 0 to 3660 days")
        }
        if tolerancePercent < 0 || tolerancePercent > 100 {
            throw .invalid("amount_tolerance_percent", "\(tolerancePercent) is out of range: give 0 to 100")
        }
        let limit = limit <= 0 ? 100 : min(limit, 1_000)
        let version = self.version
        let matcher = try DealFilterMatcher(filter, version: version, fxTable: self.fxTable)
        var byTarget: [String: [DealIndexEntry]] = [:]
        for entry in Self.matching(matcher, in: version) { byTarget[entry.targetID, default: []].append(entry) }
        var candidates: [(candidate: Dealstore_V1_DuplicateCandidate, difference: Int)] = []
        for (target, entries) in byTarget where entries.count > 1 {
            let deals = try entries.map { (entry: DealIndexEntry) throws(DealStoreError) in
                try Self.decodeDeal(entry.bytes)
            }.sorted { $0.id < $1.id }
            for first in deals.indices {
                for second in deals.indices where second > first {
                    guard
                        let pair = Self.duplicatePair(
                            deals[first],
                            deals[second],
                            target: target,
                            maximumDaysApart: maximumDaysApart,
                            tolerancePercent: tolerancePercent,
                            normalizeTo: matcher.normalizeTo ?? "USD",
                            table: self.fxTable
                        )
                    else { continue }
                    candidates.append(pair)
                }
            }
        }
        candidates.sort { a, b in
            if a.candidate.daysApart != b.candidate.daysApart { return a.candidate.daysApart < b.candidate.daysApart }
            if a.difference != b.difference { return a.difference < b.difference }
            return a.candidate.dealIds.lexicographicallyPrecedes(b.candidate.dealIds)
        }
        return (candidates.prefix(limit).map(\.candidate), version.revision)
    }

    /// The candidate for two deals of one target, or nil when they are not likely the same deal. `difference` is
    /// the amount difference in basis points (10,001 when not compared), for ordering.
    static func duplicatePair(
        _ a: Dealstore_V1_Deal,
        _ b: Dealstore_V1_Deal,
        target: String,
        maximumDaysApart: Int,
        tolerancePercent: Int,
        normalizeTo: String = "USD",
        table: DealFXTable? = nil
    ) -> (candidate: Dealstore_V1_DuplicateCandidate, difference: Int)? {
        guard let first = Self.dealDays(a), let second = Self.dealDays(b) else { return nil }
        let apart = max(0, max(first.start, second.start) - min(first.end, second.end))
        guard apart <= maximumDaysApart else { return nil }
        var candidate = Dealstore_V1_DuplicateCandidate()
        candidate.targetID = target
        candidate.dealIds = [a.id, b.id]
        candidate.daysApart = Int32(apart)
        candidate.reasons.append(
            apart == 0 ? "same target, dates overlap" : "same target, dates \(apart) day(s) apart"
        )
        var difference = 10_001
        // Two currencies: both amounts converted into `normalizeTo` at their deals' dates (issue 18 part 1), when
        // the FX table has rates for both.
        let converted = Self.comparableAmounts(a, b, to: normalizeTo, table: table)
        if let (x, y, currency) = converted {
            let larger = max(x, y)
            // Basis points of the larger amount; both are at most 10^24 nanos, so the product fits Int128.
            let points = larger == 0 ? 0 : Int((((x > y ? x - y : y - x) * 10_000) / larger))
            guard points <= tolerancePercent * 100 else { return nil }
            candidate.amountsCompared = true
            candidate.amountDifferenceBasisPoints = Int32(points)
            let within = currency.map { " in \($0) at the deals' dates" } ?? ""
            candidate.reasons.append(
                points == 0 ? "same amount\(within)" : "amounts \(Self.percentText(points)) apart\(within)"
            )
            difference = points
        } else if a.hasAmount && b.hasAmount {
            candidate.reasons.append(
                "amounts in \(a.amount.currencyCode) and \(b.amount.currencyCode), not compared (no rate into "
                    + "\(normalizeTo) at their dates)"
            )
        } else {
            candidate.reasons.append("an amount is missing, not compared")
        }
        if Self.isSuffixed(a.id, of: b.id) || Self.isSuffixed(b.id, of: a.id) {
            candidate.reasons.append("ids differ only by a -N suffix")
        }
        let investors = Set(a.participations.map(\.investorID))
        if !investors.isEmpty && investors == Set(b.participations.map(\.investorID)) {
            candidate.reasons.append("same investors")
        }
        return (candidate, difference)
    }

    /// The two headline amounts in nanos of one currency: as they are when both are in one currency (`currency`
    /// nil), else both converted into `normalizeTo` at their deals' dates (`currency` names it); nil when an amount
    /// is missing or has no rate.
    static func comparableAmounts(
        _ a: Dealstore_V1_Deal,
        _ b: Dealstore_V1_Deal,
        to normalizeTo: String,
        table: DealFXTable?
    ) -> (Int128, Int128, currency: String?)? {
        guard a.hasAmount && b.hasAmount else { return nil }
        if a.amount.currencyCode == b.amount.currencyCode { return (a.amount.totalNanos, b.amount.totalNanos, nil) }
        guard let table else { return nil }
        func converted(_ deal: Dealstore_V1_Deal) -> Int128? {
            let date: Dealstore_V1_PartialDate? =
                deal.hasAnnounced ? deal.announced : (deal.hasClosed ? deal.closed : nil)
            let normalized = table.normalize(deal.amount, to: normalizeTo, at: date)
            switch normalized.status {
            case .converted, .sameCurrency: return normalized.amount.totalNanos
            default: return nil
            }
        }
        guard let x = converted(a), let y = converted(b) else { return nil }
        return (x, y, normalizeTo)
    }

    /// Basis points as a percentage: 250 is "2.5%", 1000 "10%".
    static func percentText(_ points: Int) -> String {
        var text = String(points / 100)
        var fraction = String(points % 100)
        if fraction != "0" {
            if fraction.count == 1 { fraction = "0" + fraction }
            if fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "%"
    }

    /// True when `id` is `base` with a "-N" suffix (N a number), as a create appends when an id is taken.
    static func isSuffixed(_ id: String, of base: String) -> Bool {
        guard id.count > base.count + 1, id.hasPrefix(base + "-") else { return false }
        return id.dropFirst(base.count + 1).allSatisfy(\.isNumber)
    }

    /// The days (since 1 January 1 of the proleptic Gregorian calendar) a deal's date can denote: announced, else
    /// closed; nil without either.
    static func dealDays(_ deal: Dealstore_V1_Deal) -> (start: Int, end: Int)? {
        let date = deal.hasAnnounced ? deal.announced : deal.closed
        guard deal.hasAnnounced || deal.hasClosed else { return nil }
        let year = Int(date.year)
        switch date.precision {
        case .day:
            let day = Self.dayNumber(year, Int(date.month), Int(date.day))
            return (day, day)
        case .month:
            let month = Int(date.month)
            return (
                Self.dayNumber(year, month, 1),
                Self.dayNumber(year, month, Int(DealValidator.daysIn(month: date.month, year: date.year)))
            )
        case .quarter:
            let last = Int(date.month)
            return (
                Self.dayNumber(year, max(1, last - 2), 1),
                Self.dayNumber(year, last, Int(DealValidator.daysIn(month: date.month, year: date.year)))
            )
        default:
            return (Self.dayNumber(year, 1, 1), Self.dayNumber(year, 12, 31))
        }
    }

    /// Days since 0001-01-01 of a valid date (stored dates are validated: year 1800 to 2200).
    static func dayNumber(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = year - 1
        var days = y * 365 + y / 4 - y / 100 + y / 400
        for m in stride(from: 1, to: month, by: 1) {
            days += Int(DealValidator.daysIn(month: Int32(m), year: Int32(year)))
        }
        return days + day - 1
    }
}
