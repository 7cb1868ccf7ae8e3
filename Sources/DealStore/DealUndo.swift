import DealModel

/// What a live write replaced, kept until the write is durable: when the log's write or `fdatasync` fails, the
/// store takes back every write not yet durable, so a write that was never acknowledged is not left visible.
///
/// The entry is a reference (a deal's index entry is a class, an organization a copy-on-write message): keeping
/// one costs a retain, and the list holds only the writes in flight.
struct DealUndo: Sendable {
    enum Previous: Sendable {
        case deal(id: String, entry: DealIndexEntry?)
        case organization(id: String, organization: Dealstore_V1_Organization?)
    }

    let revision: UInt64
    let previous: Previous
}
