import DealModel

/// One summary group's totals converted into one currency, with the rates used and what could not be converted.
struct DealNormalizedTotals: Sendable {
    /// Converted nanos (saturating: a group cannot wrap, and the answer flags a clamped sum).
    var committed: Int128 = 0
    var funded: Int128 = 0
    /// Amounts (a contribution's committed and its funded sum count one each when non-zero) converted or not.
    var converted = 0
    var unconverted = 0
    /// The native sums of what could not be converted, per currency.
    var unconvertedSums: [String: (committed: Int128, funded: Int128)] = [:]
    /// The rates used, by from-currency and day.
    var rates: [String: (currency: String, day: Int32, rate: Dealstore_V1_FXRate)] = [:]

    /// Adds one contribution (an investor's committed and funded amounts in one currency within a deal).
    mutating func add(_ contribution: DealContribution, lookup: DealFXTable.Lookup, source: String) {
        let amounts = (contribution.committed != 0 ? 1 : 0) + (contribution.funded != 0 ? 1 : 0)
        switch lookup {
        case .sameCurrency:
            self.committed.addSaturating(contribution.committed)
            self.funded.addSaturating(contribution.funded)
            self.converted += amounts
        case .rates(let conversion):
            guard let committed = conversion.convert(nanos: contribution.committed),
                let funded = conversion.convert(nanos: contribution.funded)
            else {
                self.addUnconverted(contribution, amounts: amounts)
                return
            }
            self.committed.addSaturating(committed)
            self.funded.addSaturating(funded)
            self.converted += amounts
            let key = "\(contribution.currency)/\(conversion.day)"
            if self.rates[key] == nil {
                self.rates[key] = (contribution.currency, conversion.day, conversion.message(source: source))
            }
        case .unknown:
            self.addUnconverted(contribution, amounts: amounts)
        }
    }

    private mutating func addUnconverted(_ contribution: DealContribution, amounts: Int) {
        self.unconverted += amounts
        var sums = self.unconvertedSums[contribution.currency] ?? (0, 0)
        sums.committed.addSaturating(contribution.committed)
        sums.funded.addSaturating(contribution.funded)
        self.unconvertedSums[contribution.currency] = sums
    }

    /// The protocol's form, in `currency`.
    func message(currency: String) -> Dealstore_V1_NormalizedTotal {
        var total = Dealstore_V1_NormalizedTotal()
        total.currencyCode = currency
        var saturated = false
        total.committed = Dealstore_V1_Money(currencyCode: currency, totalNanos: self.committed, saturated: &saturated)
        total.committedSaturated = saturated || self.committed == .max
        total.funded = Dealstore_V1_Money(currencyCode: currency, totalNanos: self.funded, saturated: &saturated)
        total.fundedSaturated = saturated || self.funded == .max
        total.convertedCount = UInt64(self.converted)
        total.unconvertedCount = UInt64(self.unconverted)
        total.unconverted = self.unconvertedSums.keys.sorted().map { code in
            let sums = self.unconvertedSums[code] ?? (0, 0)
            var native = Dealstore_V1_CurrencyTotal()
            native.currencyCode = code
            var flag = false
            native.committed = Dealstore_V1_Money(currencyCode: code, totalNanos: sums.committed, saturated: &flag)
            native.committedSaturated = flag
            native.funded = Dealstore_V1_Money(currencyCode: code, totalNanos: sums.funded, saturated: &flag)
            native.fundedSaturated = flag
            return native
        }
        total.rates = self.rates.values.sorted { ($0.currency, $0.day) < ($1.currency, $1.day) }.map(\.rate)
        return total
    }
}
