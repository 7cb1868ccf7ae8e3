/// The versions recent ListDeals page tokens were cut from, so that the next pages are read from the same
/// revision (a consistent read across pages, as a database cursor gives).
///
/// A pinned version costs the nodes the writer has replaced since (the rest is shared with the current version):
/// little for a short listing, but under sustained writes spread over the whole store, up to about one copy of
/// the maps' nodes (some 50 bytes per deal, not the deals themselves) per pinned version. Hence the bounds: at most
/// ``capacity`` versions for at most ``lifetime`` each, i.e. at most about 400 bytes per deal in the worst case. A
/// token whose version is no longer pinned reads the latest version instead; its key-based position still returns
/// no deal twice and skips none whose sort key did not change (see ``DealPageToken``).
struct DealPinnedVersions: Sendable {
    /// At most this many versions are pinned (the oldest goes first).
    static let capacity = 8
    /// A version is pinned for this long after the last page cut from it.
    static let lifetime: Duration = .seconds(30)

    private var entries: [(version: DealVersion, until: ContinuousClock.Instant)] = []

    /// Pins `version` (again) for ``lifetime``.
    mutating func pin(_ version: DealVersion, now: ContinuousClock.Instant = .now) {
        self.entries.removeAll { $0.until <= now || $0.version.revision == version.revision }
        self.entries.append((version, now + Self.lifetime))
        if self.entries.count > Self.capacity { self.entries.removeFirst(self.entries.count - Self.capacity) }
    }

    /// The pinned version at `revision`, if it is still pinned.
    func version(at revision: UInt64, now: ContinuousClock.Instant = .now) -> DealVersion? {
        self.entries.last { $0.version.revision == revision && $0.until > now }?.version
    }

    var count: Int { self.entries.count }
}
