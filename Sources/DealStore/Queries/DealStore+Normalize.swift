public import DealModel

extension DealFXTable {
    /// The period whose rate converts a deal's amounts: its announced date (from the index entry), else its closed
    /// date (decoded); `nil` when it has neither.
    func window(
        of entry: DealIndexEntry,
        deal: () -> Dealstore_V1_Deal?
    ) -> (first: Int32, last: Int32, exactDay: Bool)? {
        if entry.announcedStart != 0 {
            return (
                DealFXDay.number(yyyymmdd: entry.announcedStart), DealFXDay.number(yyyymmdd: entry.announcedEnd),
                entry.announcedStart == entry.announcedEnd
            )
        }
        guard let deal = deal(), deal.hasClosed else { return nil }
        let (first, last) = DealFXDay.range(of: deal.closed)
        return (first, last, deal.closed.precision == .day)
    }

    /// The deal's headline amount in `currency`, in nanos; `nil` when it cannot be converted.
    func convertedAmount(of entry: DealIndexEntry, to currency: String, deal: () -> Dealstore_V1_Deal?) -> Int128? {
        if entry.amountCurrency == currency { return entry.amountNanos }
        guard let window = self.window(of: entry, deal: deal) else { return nil }
        let lookup = self.lookup(
            from: entry.amountCurrency,
            to: currency,
            first: window.first,
            last: window.last,
            exactDay: window.exactDay
        )
        guard case .rates(let conversion) = lookup else { return nil }
        return conversion.convert(nanos: entry.amountNanos)
    }
}

extension DealStore {
    /// The FX table this store normalises amounts with: the data directory's `fx-rates.dfx`, else the bundled ECB
    /// table (see ``DealFXRates``).
    public var exchangeRates: DealFXTable { self.fxTable }

    /// `deal` with every amount's normalised counterpart set: the headline amount, the commitment cap,
    /// participations' commitments, tranches and options at the deal's date (announced, else closed), valuations at
    /// their `as_of` (else the deal's date). Amounts that cannot be converted carry the reason.
    public func normalized(_ deal: Dealstore_V1_Deal, to currency: String) -> Dealstore_V1_Deal {
        Self.normalized(deal, to: currency, table: self.fxTable)
    }

    static func normalized(
        _ deal: Dealstore_V1_Deal,
        to currency: String,
        table: DealFXTable
    ) -> Dealstore_V1_Deal {
        var deal = deal
        let date: Dealstore_V1_PartialDate? =
            deal.hasAnnounced ? deal.announced : (deal.hasClosed ? deal.closed : nil)
        if deal.hasAmount { deal.amountNormalized = table.normalize(deal.amount, to: currency, at: date) }
        if deal.hasCommitmentCap {
            deal.commitmentCapNormalized = table.normalize(deal.commitmentCap, to: currency, at: date)
        }
        for index in deal.participations.indices where deal.participations[index].hasCommitted {
            deal.participations[index].committedNormalized = table.normalize(
                deal.participations[index].committed,
                to: currency,
                at: date
            )
        }
        for index in deal.tranches.indices where deal.tranches[index].hasAmount {
            deal.tranches[index].amountNormalized = table.normalize(
                deal.tranches[index].amount,
                to: currency,
                at: date
            )
        }
        for index in deal.options.indices where deal.options[index].hasMaximum {
            deal.options[index].maximumNormalized = table.normalize(
                deal.options[index].maximum,
                to: currency,
                at: date
            )
        }
        for index in deal.valuations.indices where deal.valuations[index].hasAmount {
            let valuation = deal.valuations[index]
            deal.valuations[index].amountNormalized = table.normalize(
                valuation.amount,
                to: currency,
                at: valuation.hasAsOf ? valuation.asOf : date
            )
        }
        return deal
    }

    /// Clears the derived normalised amounts: they are answers to a query, never part of the stored record.
    static func clearNormalized(_ deal: inout Dealstore_V1_Deal) {
        if deal.hasAmountNormalized { deal.clearAmountNormalized() }
        if deal.hasCommitmentCapNormalized { deal.clearCommitmentCapNormalized() }
        for index in deal.participations.indices where deal.participations[index].hasCommittedNormalized {
            deal.participations[index].clearCommittedNormalized()
        }
        for index in deal.tranches.indices where deal.tranches[index].hasAmountNormalized {
            deal.tranches[index].clearAmountNormalized()
        }
        for index in deal.options.indices where deal.options[index].hasMaximumNormalized {
            deal.options[index].clearMaximumNormalized()
        }
        for index in deal.valuations.indices where deal.valuations[index].hasAmountNormalized {
            deal.valuations[index].clearAmountNormalized()
        }
    }
}
