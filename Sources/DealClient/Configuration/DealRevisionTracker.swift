public import DealProtocol
import Synchronization

/// The highest store revision a client has seen in any answer's `revision` trailer, sent as `min-revision` on its
/// later calls so that a read sees every write the client saw, whichever node of a cluster serves it
/// (PROTOCOL.md "Consistency").
///
/// A ``DealClient`` keeps one of its own unless ``DealClientConfiguration/revisionTracker`` names one: give two
/// clients (one per node of a cluster) the same tracker, and a read through one sees the writes made through the
/// other. Revisions are those of one store: do not share a tracker between clients of unrelated servers (a
/// node would wait for a revision it never reaches, then answer UNAVAILABLE).
public final class DealRevisionTracker: Sendable {
    private let highest: Atomic<UInt64>

    /// Creates a tracker that has seen `revision` (0: nothing yet).
    public init(revision: UInt64 = 0) {
        self.highest = Atomic(revision)
    }

    /// The highest revision seen.
    public var revision: UInt64 {
        self.highest.load(ordering: .acquiring)
    }

    /// Records a revision; a lower one than already seen changes nothing.
    public func observe(_ revision: UInt64) {
        var current = self.highest.load(ordering: .relaxed)
        while revision > current {
            let (exchanged, original) = self.highest.compareExchange(
                expected: current,
                desired: revision,
                ordering: .acquiringAndReleasing
            )
            if exchanged { return }
            current = original
        }
    }

    /// Records the `revision` of an answer's trailers, if they carry a valid one.
    public func observe(trailers metadata: [DealMetadataEntry]) {
        guard let text = metadata.firstText(forKey: DealProtocolVersion.revisionMetadataKey),
            let revision = UInt64(text)
        else { return }
        self.observe(revision)
    }
}
