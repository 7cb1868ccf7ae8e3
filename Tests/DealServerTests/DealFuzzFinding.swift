/// Input classes the service fuzzer found crashing dealsd, owned by a fix not yet merged. The committed bounded
/// run leaves each listed class out (``DealServiceFuzzTests/knownFindings``); remove an entry once its fix is in
/// and the run must stay clean with it.
enum DealFuzzFinding: String, Hashable, Sendable, CaseIterable {
    /// Issue 11, Deliver 1 (arithmetic): money amounts near Int64.max in deals, whose sums (tranches over the cap,
    /// participations summarized by target) trap with an overflow.
    case moneySumOverflow
}
