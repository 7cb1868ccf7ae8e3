extension Duration {
    /// The duration in seconds, as a `Double` (for reports, logs and `Date` arithmetic).
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
