extension Duration {
    /// Whole microseconds, saturating at Int64's bounds: a caller's timeout of `.seconds(.max)` means "no
    /// practical limit", not a trap.
    var microseconds: Int64 {
        let (seconds, attoseconds) = self.components
        let (micros, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowed) = micros.addingReportingOverflow(attoseconds / 1_000_000_000_000)
        return overflowed ? (micros < 0 ? .min : .max) : total
    }
}
