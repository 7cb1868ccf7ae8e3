import DealModel

extension DealStore {
    /// The timeline events of an exit: an acquisition (a deal with an ACQUIRER) and an IPO (a deal with a
    /// listing), dated when it closed, else when it was announced; none for a deal with neither date.
    static func exitEvents(
        of deal: Dealstore_V1_Deal
    ) -> [(
        date: Dealstore_V1_PartialDate, kind: Dealstore_V1_TimelineEventKind, text: String, amount: Dealstore_V1_Money?
    )] {
        let date = deal.hasClosed ? deal.closed : deal.announced
        guard deal.hasClosed || deal.hasAnnounced else { return [] }
        var events:
            [(
                date: Dealstore_V1_PartialDate, kind: Dealstore_V1_TimelineEventKind, text: String,
                amount: Dealstore_V1_Money?
            )] =
                []
        let acquirers = deal.participations.filter { $0.role == .acquirer }
        if !acquirers.isEmpty {
            var text = acquirers.map(\.investorID).joined(separator: ", ") + " acquires "
            if deal.hasShareAcquired {
                text += Self.shareText(deal.shareAcquired) + " of "
            }
            text += deal.targetID
            let sellers = deal.participations.filter { $0.role == .seller }.map(\.investorID)
            if !sellers.isEmpty { text += " from " + sellers.joined(separator: ", ") }
            events.append((date, .acquisition, text, deal.hasAmount ? deal.amount : nil))
        }
        if deal.hasListing {
            let listing = deal.listing
            var text = "IPO of \(deal.targetID) on \(listing.exchange) as \(listing.ticker)"
            if listing.hasOfferPrice { text += " at \(listing.offerPrice.display) a share" }
            events.append((date, .ipo, text, deal.hasAmount ? deal.amount : nil))
        }
        return events
    }

    /// "100%", "51%", "1/3", with "about" and "under" as the fraction says.
    static func shareText(_ share: Dealstore_V1_Fraction) -> String {
        var text: String
        if share.denominator > 0, (share.numerator.multipliedReportingOverflow(by: 100)).overflow == false,
            (share.numerator * 100) % share.denominator == 0
        {
            text = "\((share.numerator * 100) / share.denominator)%"
        } else {
            text = "\(share.numerator)/\(share.denominator)"
        }
        if share.approximate { text = "about " + text }
        if share.upperBound { text = "under " + text }
        return text
    }
}
