import SwiftProtobuf

extension DealFXTable {
    /// How many days before a DAY-precision date its rate may have been published: weekends and the TARGET
    /// holidays (the longest gap in the ECB's series is four days, at Christmas and Easter).
    public static let dayTolerance: Int32 = 7

    /// The euro rates of two currencies on one publication day: a cross rate via EUR.
    public struct Conversion: Sendable, Equatable {
        /// Units of the native currency per 1 EUR.
        public var from: Rate
        /// Units of the requested currency per 1 EUR.
        public var to: Rate
        /// The publication day of both rates.
        public var day: Int32

        /// `nanos` of the native currency in nanos of the requested one: `nanos × to ÷ from`, computed exactly
        /// in 128-bit integers (rates in millionths) and rounded once, half to even, to a nano. `nil` only if the
        /// product does not fit 128 bits, which no amount the store accepts (at most 10^15 units) comes near.
        public func convert(nanos: Int128) -> Int128? {
            let numerator = self.to.millionths
            let denominator = self.from.millionths
            guard denominator > 0 else { return nil }
            let magnitude = nanos.magnitude
            guard magnitude <= UInt128(Int128.max) else { return nil }
            let (product, overflow) = Int128(magnitude).multipliedReportingOverflow(by: numerator)
            guard !overflow else { return nil }
            var quotient = product / denominator
            let remainder = product % denominator
            if remainder * 2 > denominator || (remainder * 2 == denominator && quotient % 2 == 1) { quotient += 1 }
            return nanos < 0 ? -quotient : quotient
        }

        /// The cross rate (units of the requested currency per native unit) rounded half-even to 12 significant
        /// digits, as decimal text: for people; amounts use ``convert(nanos:)``.
        public var rateText: String {
            let numerator = self.to.millionths
            let denominator = self.from.millionths
            guard numerator > 0, denominator > 0 else { return "0" }
            // The smallest power of ten that gives the quotient 12 digits; bounded (rates are below 10^13 in
            // millionths), so the scaled numerator stays far below Int128's range.
            var decimals = 0
            var scaled = numerator
            while scaled / denominator < 100_000_000_000, decimals < 40 {
                scaled *= 10
                decimals += 1
            }
            var quotient = scaled / denominator
            let remainder = scaled % denominator
            if remainder * 2 > denominator || (remainder * 2 == denominator && quotient % 2 == 1) { quotient += 1 }
            return DealFXTable.decimalText(quotient, decimals: decimals)
        }

        /// The rate as the protocol reports it.
        public func message(source: String) -> Dealstore_V1_FXRate {
            var rate = Dealstore_V1_FXRate()
            rate.fromCurrency = self.from.currency
            rate.toCurrency = self.to.currency
            rate.rate = self.rateText
            rate.fromPerEuro = self.from.text
            rate.toPerEuro = self.to.text
            let (year, month, day) = DealFXDay.civil(self.day)
            rate.date = Dealstore_V1_PartialDate.with {
                $0.year = Int32(year)
                $0.month = Int32(month)
                $0.day = Int32(day)
                $0.precision = .day
            }
            rate.source = source
            return rate
        }
    }

    /// What converting between two currencies at a date finds.
    public enum Lookup: Sendable, Equatable {
        /// Both are the same currency: no rate needed.
        case sameCurrency
        /// The rates to convert with.
        case rates(Conversion)
        /// No rate: why, in English.
        case unknown(String)
    }

    /// The rates for converting `from` into `to` at `date`.
    ///
    /// The rates are those of the latest publication day, common to both currencies, on or before the last day
    /// `date` can denote (the end of its month, quarter or year: the ECB's end-of-period convention), provided that
    /// day falls within the date's period, or for a DAY date at most ``dayTolerance`` days before it.
    public func lookup(from: String, to: String, at date: Dealstore_V1_PartialDate) -> Lookup {
        let (first, last) = DealFXDay.range(of: date)
        return self.lookup(from: from, to: to, first: first, last: last, exactDay: date.precision == .day)
    }

    /// ``lookup(from:to:at:)`` for the period from day `first` to day `last` (days since 1970-01-01); `exactDay`
    /// says the period is one known day, whose rate may come from up to ``dayTolerance`` days before it.
    public func lookup(from: String, to: String, first: Int32, last: Int32, exactDay: Bool) -> Lookup {
        if from == to { return .sameCurrency }
        for currency in [from, to] where self.coverage(of: currency) == nil {
            return .unknown(
                "the FX table (\(self.sourceLabel)) has no rates for \(currency.isEmpty ? "an empty currency" : currency)"
            )
        }
        let earliest = exactDay ? last - Self.dayTolerance : first
        var candidate = last
        // Both currencies' latest publication on or before the candidate; step back until they share a day.
        for _ in 0..<64 {
            guard let a = self.rate(from, onOrBefore: candidate), let b = self.rate(to, onOrBefore: candidate) else {
                break
            }
            if a.day < earliest || b.day < earliest { break }
            let common = min(a.day, b.day)
            if from == "EUR" || to == "EUR" || a.day == b.day {
                let day = from == "EUR" ? b.day : (to == "EUR" ? a.day : common)
                var a = a
                var b = b
                a.day = day
                b.day = day
                return .rates(Conversion(from: a, to: b, day: day))
            }
            candidate = common
        }
        let window = earliest == last ? DealFXDay.iso(last) : "\(DealFXDay.iso(earliest)) to \(DealFXDay.iso(last))"
        let covered = [from, to].filter { $0 != "EUR" }.compactMap { currency in
            self.coverage(of: currency).map { "\(currency) \(DealFXDay.iso($0.first)) to \(DealFXDay.iso($0.last))" }
        }
        return .unknown(
            "no \(from)/\(to) rate published from \(window) in the FX table (\(self.sourceLabel); it covers "
                + covered.joined(separator: ", ") + ")"
        )
    }

    /// `money` converted into `currency` at `date` (nil: the record has no date), with the rate, its day and the
    /// table's source; an amount that cannot be converted comes back with status RATE_UNKNOWN or NO_DATE and a
    /// reason, never dropped.
    public func normalize(
        _ money: Dealstore_V1_Money,
        to currency: String,
        at date: Dealstore_V1_PartialDate?
    ) -> Dealstore_V1_NormalizedMoney {
        var result = Dealstore_V1_NormalizedMoney()
        if let date { result.asOf = date }
        if money.currencyCode == currency {
            result.status = .sameCurrency
            result.amount = money
            return result
        }
        guard let date else {
            result.status = .noDate
            result.reason = "the record has no announced or closed date to take an exchange rate at"
            return result
        }
        switch self.lookup(from: money.currencyCode, to: currency, at: date) {
        case .sameCurrency:
            result.status = .sameCurrency
            result.amount = money
        case .unknown(let reason):
            result.status = .rateUnknown
            result.reason = reason
        case .rates(let conversion):
            let nanos = Int128(money.units) * 1_000_000_000 + Int128(money.nanos)
            guard let converted = conversion.convert(nanos: nanos),
                let units = Int64(exactly: converted / 1_000_000_000)
            else {
                result.status = .rateUnknown
                result.reason = "the converted amount does not fit a Money"
                return result
            }
            result.status = .converted
            result.amount = Dealstore_V1_Money.with {
                $0.currencyCode = currency
                $0.units = units
                $0.nanos = Int32(converted % 1_000_000_000)
            }
            result.rate = conversion.message(source: self.sourceLabel)
        }
        return result
    }
}
