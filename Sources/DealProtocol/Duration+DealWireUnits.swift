extension Duration {
    /// Whole milliseconds, saturating at Int64's bounds, for the protocol's `_millis` fields and messages.
    ///
    /// Why here: client and server both put durations on the wire in whole units NIO has no conversion for
    /// (NIOCore's `TimeAmount(_:)` covers nanoseconds, and callers scheduling timers use that). A configured
    /// `.seconds(.max)` means "no practical limit", not a trap.
    package var milliseconds: Int64 { self.wholeUnits(perSecond: 1_000) }

    /// Whole microseconds, saturating at Int64's bounds, for `CallHeaders.timeout_micros`.
    package var microseconds: Int64 { self.wholeUnits(perSecond: 1_000_000) }

    /// `self` in units of `1 / perSecond` seconds, rounded toward zero and saturating instead of overflowing.
    private func wholeUnits(perSecond: Int64) -> Int64 {
        let (seconds, attoseconds) = self.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: perSecond)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowed) = whole.addingReportingOverflow(attoseconds / (1_000_000_000_000_000_000 / perSecond))
        return overflowed ? (whole < 0 ? .min : .max) : total
    }
}
