/// The size limit of one stored record, shared by the store's writers, its recovery and a server's frame size.
///
/// One limit for all three, so that nothing acknowledged can be refused later: a write whose log record would
/// exceed ``maximumRecordSize`` is refused with ``DealStoreError/Code/invalidArgument`` before it is applied, and
/// recovery accepts every record up to the same size. A server must not accept request messages larger than
/// ``maximumMessageSize`` (dealsd refuses a `limits.max_frame_size` above it), so any deal or organization that
/// fits in a request also fits in a record.
public enum DealRecordLimit {
    /// The largest log record (one serialized change event: a deal or organization with its revision, kind and
    /// time), 64 MiB.
    public static let maximumRecordSize = 64 << 20
    /// Room left for what the store adds around a record received in a request: its meta (revisions, times,
    /// etag) and the change event's fields. Both take well under 200 bytes; the rest is headroom.
    public static let recordOverhead = 64 << 10
    /// The largest request message whose record is sure to fit in ``maximumRecordSize``: 64 MiB − 64 KiB.
    public static let maximumMessageSize = maximumRecordSize - recordOverhead

    /// The error for a record of `size` bytes over the limit.
    static func tooLarge(_ size: Int, what: String) -> DealStoreError {
        DealStoreError(
            code: .invalidArgument,
            message: "\(what) would be a record of \(size) bytes, over the store's maximum of \(Self.maximumRecordSize)"
                + " bytes (64 MiB); make it smaller (long notes or sources, or many repeated entries)"
        )
    }
}
