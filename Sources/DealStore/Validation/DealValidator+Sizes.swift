import DealModel

/// Bounds on a record's lists and texts: what every later step (indexing, summaries, text search) walks.
extension DealValidator {
    /// Most entries in any one list of a record (participations, tranches, sources, aliases ...).
    ///
    /// Far above any real deal (the largest syndicates have a few hundred investors), and low enough that the
    /// work done per entry on every write and summary stays small: a deal of 20,000 investors took seconds of
    /// the event loop to store and to summarize.
    static let maximumListEntries = 1_000
    /// Longest notes, title or quote, in UTF-8 bytes: searched as text on every query with `filter.query`.
    static let maximumTextBytes = 64 << 10
    /// Longest organization name or alias, in UTF-8 bytes.
    static let maximumNameBytes = 1_024

    static func checkCount(_ count: Int, field: @autoclosure () -> String) throws(DealStoreError) {
        guard count <= Self.maximumListEntries else {
            throw .invalid(
                field(),
                "has \(count) entries; a record may have at most \(Self.maximumListEntries) in each list: split it "
                    + "into several records"
            )
        }
    }

    static func checkText(_ text: String, field: @autoclosure () -> String, limit: Int) throws(DealStoreError) {
        let bytes = text.utf8.count
        guard bytes <= limit else {
            throw .invalid(field(), "is \(bytes) bytes; at most \(limit) are allowed: keep long text in the source")
        }
    }

    /// The record's lists and long texts within their limits, checked before anything walks them.
    static func checkSizes(_ deal: Dealstore_V1_Deal) throws(DealStoreError) {
        try Self.checkCount(deal.participations.count, field: "participations")
        try Self.checkCount(deal.tranches.count, field: "tranches")
        try Self.checkCount(deal.options.count, field: "options")
        try Self.checkCount(deal.valuations.count, field: "valuations")
        try Self.checkCount(deal.strategicTerms.count, field: "strategic_terms")
        try Self.checkCount(deal.sources.count, field: "sources")
        try Self.checkCount(deal.disputedClaims.count, field: "disputed_claims")
        try Self.checkCount(deal.evidence.count, field: "evidence")
        try Self.checkText(deal.title, field: "title", limit: Self.maximumNameBytes)
        try Self.checkText(deal.notes, field: "notes", limit: Self.maximumTextBytes)
        for (index, source) in deal.sources.enumerated() {
            try Self.checkCount(source.excerpts.count, field: "sources[\(index)].excerpts")
        }
    }

}
