public import DealModel

extension DealViews {
    /// Proposed duplicate pairs, closest first.
    public static func duplicates(_ candidates: [Dealstore_V1_DuplicateCandidate]) -> DealOutputDocument {
        func difference(_ candidate: Dealstore_V1_DuplicateCandidate) -> String {
            guard candidate.amountsCompared else { return "" }
            let points = Int(candidate.amountDifferenceBasisPoints)
            return "\(points / 100).\(points % 100 < 10 ? "0" : "")\(points % 100)%"
        }
        return DealOutputDocument(
            columns: [
                .init("target"), .init("deals"), .init("days apart"), .init("amount diff"),
                .init("reasons", flexible: true),
            ],
            tableRows: candidates.map {
                [
                    $0.targetID, $0.dealIds.joined(separator: " "), String($0.daysApart), difference($0),
                    $0.reasons.joined(separator: "; "),
                ]
            },
            csvHeader: ["target_id", "deal_id_1", "deal_id_2", "days_apart", "amount_difference_percent", "reasons"],
            csvRows: candidates.map {
                [
                    $0.targetID, $0.dealIds.first ?? "", $0.dealIds.dropFirst().first ?? "", String($0.daysApart),
                    difference($0), $0.reasons.joined(separator: "; "),
                ]
            },
            records: candidates,
            footer: Self.count(candidates.count, "possible duplicate pair")
        )
    }
}
