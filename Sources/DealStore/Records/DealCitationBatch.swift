import DealModel

/// The citations of one recovery batch's deals, gathered by its decoding worker (in parallel, like the summary
/// totals of ``DealIndexBatch``) for the source index's bulk build (``merged(organizations:batches:)``, then
/// `DealSourceIndex.catalog(_:)` and `citationsByPublisher(_:)`): flat arrays in the batch's order, which is id
/// order, with publishers numbered within the batch.
struct DealCitationBatch: Sendable {
    /// Each citation's report key (`~/<deal id>/<source id>`).
    var keys: [String] = []
    /// Each citation's catalog hash (``DealSourceCatalog/Citation/catalogHash``).
    var hashes: [UInt64] = []
    /// Each citation's publisher, as an index into ``publisherNames``, or -1 when it names none.
    var publishers: [Int32] = []
    /// The publisher keys this batch's citations name, in order of first appearance.
    var publisherNames: [String] = []
    private var publisherNumbers: [String: Int32] = [:]

    var count: Int { self.keys.count }

    mutating func append(_ citations: [DealSourceCatalog.Citation], record: String) {
        for citation in citations {
            self.keys.append(DealSourceIndex.key(record: record, source: citation.localID))
            self.hashes.append(citation.catalogHash)
            self.publishers.append(self.number(citation.publisherKey))
        }
    }

    /// The organizations' citations (first: "o/" sorts before "~/", in id order) and then every batch's, in one
    /// batch with its publishers numbered across all of them.
    static func merged(organizations: [String: Dealstore_V1_Organization], batches: [DealCitationBatch]) -> Self {
        var merged = DealCitationBatch()
        let total = batches.reduce(0) { $0 + $1.count }
        merged.keys.reserveCapacity(total)
        merged.hashes.reserveCapacity(total)
        merged.publishers.reserveCapacity(total)
        for id in organizations.keys.sorted() {
            merged.append(
                DealSourceCatalog.citations(in: organizations[id]!),
                record: DealSourceIndex.organizationRecord(id)
            )
        }
        for batch in batches {
            let numbers = batch.publisherNames.map { merged.number($0) }
            merged.keys.append(contentsOf: batch.keys)
            merged.hashes.append(contentsOf: batch.hashes)
            merged.publishers.append(contentsOf: batch.publishers.lazy.map { $0 < 0 ? -1 : numbers[Int($0)] })
        }
        return merged
    }

    private mutating func number(_ publisher: String) -> Int32 {
        guard !publisher.isEmpty else { return -1 }
        if let number = self.publisherNumbers[publisher] { return number }
        let number = Int32(self.publisherNames.count)
        self.publisherNames.append(publisher)
        self.publisherNumbers[publisher] = number
        return number
    }
}
