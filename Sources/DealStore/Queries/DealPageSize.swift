/// The page sizes of every listing (deals, organizations, conflicts), defined once as PROTOCOL.md's pagination
/// rule says: 1 to 1000, 0 or negative for the default.
public enum DealPageSize {
    /// The size of a page asked for with 0 or a negative size (the protocol's documented default).
    public static let `default` = 100
    /// The largest page; a larger request gets this many.
    public static let maximum = 1000

    /// How many records a request for `size` gets.
    public static func clamped(_ size: Int) -> Int {
        size <= 0 ? Self.default : min(size, Self.maximum)
    }
}
