import NIOCore

/// When a run measures and how hard it pushes, shared by all connections.
struct DealBenchPlan: Sendable {
    /// Calls completing before this are warm-up and not recorded.
    var measureFrom: NIODeadline
    /// No call is issued after this; calls completing after it are not recorded.
    var end: NIODeadline
    /// Calls each connection keeps in flight.
    var inFlight: Int
    /// Distinguishes this connection's created ids: the top bits of the unique number.
    var uniqueBase: UInt64
}
