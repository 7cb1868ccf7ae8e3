import DealModel

extension DealValidator {
    /// The longest round label, in characters.
    static let maximumRoundLabel = 200

    /// Checks the stage, kind and instrument (issue 18), and clears the derived normalised amounts, which are
    /// answers to queries and never stored.
    func checkTypes(_ deal: inout Dealstore_V1_Deal, excerpts: ExcerptIndex) throws(DealStoreError) {
        DealStore.clearNormalized(&deal)
        if case .UNRECOGNIZED(let value) = deal.stage { throw .invalid("stage", "unknown stage \(value)") }
        if case .UNRECOGNIZED(let value) = deal.kind { throw .invalid("kind", "unknown deal kind \(value)") }
        if deal.roundLabel.count > Self.maximumRoundLabel {
            throw .invalid(
                "round_label",
                "is \(deal.roundLabel.count) characters; give the round's name as announced, at most "
                    + "\(Self.maximumRoundLabel)"
            )
        }
        guard deal.hasInstrument else { return }
        let instrument = deal.instrument
        let kind = instrument.kind
        if case .UNRECOGNIZED(let value) = kind { throw .invalid("instrument.kind", "unknown instrument \(value)") }
        if kind == .unspecified {
            throw .invalid(
                "instrument.kind",
                "is required when an instrument is given (equity, convertible note, SAFE, warrant, debt, other)"
            )
        }
        let convertible = kind == .safe || kind == .convertibleNote
        func only(_ present: Bool, _ field: String, _ allowed: String) throws(DealStoreError) {
            if present { throw .invalid("instrument.\(field)", "applies only to \(allowed), not to \(kind)") }
        }
        try only(instrument.hasValuationCap && !convertible, "valuation_cap", "a SAFE or a convertible note")
        try only(instrument.hasDiscount && !convertible, "discount", "a SAFE or a convertible note")
        try only(
            instrument.hasInterestRate && kind != .convertibleNote && kind != .debt,
            "interest_rate",
            "a note or debt"
        )
        try only(instrument.hasMaturity && !convertible && kind != .debt, "maturity", "a note, a SAFE or debt")
        try only(instrument.postMoney && kind != .safe, "post_money", "a SAFE")
        try only(
            instrument.hasPricePerShare && kind != .equity && kind != .warrant,
            "price_per_share",
            "equity or a warrant"
        )
        if instrument.hasValuationCap {
            try Self.checkMoney(instrument.valuationCap, field: "instrument.valuation_cap")
        }
        if instrument.hasPricePerShare {
            try Self.checkMoney(instrument.pricePerShare, field: "instrument.price_per_share")
        }
        if instrument.hasDiscount {
            let discount = instrument.discount
            guard discount.denominator > 0, discount.numerator >= 0, discount.numerator < discount.denominator else {
                throw .invalid(
                    "instrument.discount",
                    "\(discount.numerator)/\(discount.denominator) is not a discount: give a fraction from 0 to "
                        + "below 1 with a positive denominator, e.g. 1/5 for 20 %"
                )
            }
        }
        if instrument.hasInterestRate {
            let rate = instrument.interestRate
            guard rate.denominator > 0, rate.numerator >= 0, rate.numerator <= rate.denominator else {
                throw .invalid(
                    "instrument.interest_rate",
                    "\(rate.numerator)/\(rate.denominator) is not an annual rate: give a fraction from 0 to 1 with a "
                        + "positive denominator, e.g. 2/25 for 8 %"
                )
            }
        }
        if instrument.hasMaturity { try Self.checkDate(instrument.maturity, field: "instrument.maturity") }
        if instrument.shareClass.count > Self.maximumRoundLabel {
            throw .invalid("instrument.share_class", "is longer than \(Self.maximumRoundLabel) characters")
        }
        try Self.checkEvidence(
            instrument.evidence,
            fields: [
                "kind", "valuation_cap", "discount", "interest_rate", "maturity", "post_money", "price_per_share",
                "share_class",
            ],
            citing: [],
            index: excerpts,
            field: "instrument.evidence"
        )
    }
}
