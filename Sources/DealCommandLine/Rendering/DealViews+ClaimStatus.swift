import DealModel
import Foundation

extension DealViews {
    /// A claim's status as the `deals get` and `deals conflicts` tables show it: `open`, or `resolved by NAME
    /// 2026-12-01 14:03Z` (who resolved it and when, UTC to the minute). An untyped claim (status UNSPECIFIED) is
    /// open, as the store counts it.
    static func claimStatus(_ claim: Dealstore_V1_DisputedClaim) -> String {
        guard claim.status == .resolved else { return "open" }
        var text = "resolved"
        if !claim.resolvedBy.isEmpty { text += " by " + claim.resolvedBy }
        let time = Self.claimResolvedTime(claim)
        if !time.isEmpty { text += " " + time }
        return text
    }

    /// When a resolved claim was resolved, `2026-12-01 14:03Z` (UTC); empty when unknown.
    static func claimResolvedTime(_ claim: Dealstore_V1_DisputedClaim) -> String {
        guard claim.status == .resolved, claim.resolvedTimeMicros > 0 else { return "" }
        let date = Date(timeIntervalSince1970: Double(claim.resolvedTimeMicros / 1_000_000))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))Z"
    }

    /// The status word alone (`open`, `resolved`), for CSV.
    static func claimStatusWord(_ claim: Dealstore_V1_DisputedClaim) -> String {
        claim.status == .resolved ? "resolved" : "open"
    }
}
