import DealModel

/// Exits as deals (issue 18 part 4): acquirer and seller roles, the share acquired, and IPO listings.
extension DealValidator {
    /// The exit rules of `deal`, whose participations already name organization ids.
    static func checkExit(_ deal: Dealstore_V1_Deal) throws(DealStoreError) {
        var acquirers: Set<String> = []
        var sellers: Set<String> = []
        for (index, participation) in deal.participations.enumerated() {
            let field = { "participations[\(index)]" }
            switch participation.role {
            case .acquirer:
                acquirers.insert(participation.investorID)
            case .seller:
                sellers.insert(participation.investorID)
                // A seller receives the price: what it is paid is the acquirer's `committed` (or the deal's
                // amount), never an investment of the seller's, which totals would add up.
                if participation.hasCommitted {
                    throw .invalid(
                        field() + ".committed",
                        "a SELLER commits nothing: put the price on the acquirer's committed or the deal's amount, "
                            + "and the share sold in stake"
                    )
                }
            case .UNRECOGNIZED(let value):
                throw .invalid(field() + ".role", "unknown role \(value)")
            default:
                continue
            }
            if participation.investorID == deal.targetID {
                throw .invalid(
                    field() + ".investor_id",
                    "the target '\(deal.targetID)' cannot be its own \(participation.role == .acquirer ? "acquirer" : "seller"): "
                        + "name the company that buys, or the shareholder that sells"
                )
            }
        }
        if let both = acquirers.intersection(sellers).sorted().first {
            throw .invalid("participations", "'\(both)' is both an ACQUIRER and a SELLER of the same deal")
        }
        if deal.hasShareAcquired {
            let share = deal.shareAcquired
            if share.denominator <= 0 { throw .invalid("share_acquired.denominator", "must be positive") }
            if share.numerator <= 0 || share.numerator > share.denominator {
                throw .invalid("share_acquired", "must be above 0 and at most 1 (1/1 for the whole company)")
            }
            if acquirers.isEmpty {
                throw .invalid("share_acquired", "needs a participation with role ACQUIRER: who acquired the share")
            }
        }
        if deal.hasListing {
            let listing = deal.listing
            if listing.exchange.allSatisfy(\.isWhitespace) {
                throw .invalid("listing.exchange", "is required: the exchange's name or MIC, e.g. NASDAQ or XNAS")
            }
            try Self.checkText(listing.exchange, field: "listing.exchange", limit: Self.maximumNameBytes)
            if !Self.isValidTicker(listing.ticker) {
                throw .invalid(
                    "listing.ticker",
                    "'\(listing.ticker)' is not a ticker: 1 to 12 upper-case letters, digits, '.' or '-', e.g. ARM"
                )
            }
            if listing.hasOfferPrice { try Self.checkMoney(listing.offerPrice, field: "listing.offer_price") }
            if listing.sharesOffered < 0 { throw .invalid("listing.shares_offered", "must not be negative") }
            if !acquirers.isEmpty {
                throw .invalid(
                    "listing",
                    "an IPO has no ACQUIRER: record a listing and an acquisition as two deals"
                )
            }
        }
    }

    static func isValidTicker(_ ticker: String) -> Bool {
        let bytes = Array(ticker.utf8)
        guard (1...12).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-")
        }
    }
}
