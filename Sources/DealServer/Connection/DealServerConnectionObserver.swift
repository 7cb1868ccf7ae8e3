import DealProtocol
import Metrics
import NIOCore
import Synchronization

/// Counts connections and calls for metrics and for the connection limit.
///
/// Shared by every connection; counters are atomics and metric handles are created once per method and status.
/// Connections keep the handles they have used in a ``DealServerCallMetrics`` of their own, so the per-call cost
/// is a dictionary lookup without a lock and the metric backend's own increments.
final class DealServerConnectionObserver: Sendable {
    private let openConnections = Atomic<Int>(0)
    private let openCalls = Atomic<Int>(0)
    private let openCallsGauge = Gauge(label: "dealstore_streams")
    private let openConnectionsGauge = Gauge(label: "dealstore_connections")
    private let connectionsTotal = Counter(label: "dealstore_connections_total")
    private let connectionsRefused = Counter(label: "dealstore_connections_refused_total")
    private let handles = Mutex<[String: CallHandles]>([:])

    /// The metric handles of one method and status.
    struct CallHandles: Sendable {
        let counter: Counter
        let latency: Metrics.Timer

        func record(_ duration: TimeAmount) {
            self.counter.increment()
            self.latency.recordNanoseconds(duration.nanoseconds)
        }
    }

    init() {}

    /// Connections currently open.
    var connectionCount: Int {
        self.openConnections.load(ordering: .relaxed)
    }

    /// Calls currently in progress across all connections.
    var callCount: Int {
        self.openCalls.load(ordering: .relaxed)
    }

    func callStarted() {
        self.openCallsGauge.record(self.openCalls.add(1, ordering: .relaxed).newValue)
    }

    /// Counts a new connection if fewer than `limit` are open; false (nothing counted) when the server is full.
    ///
    /// Accepts on several event loops race for the last place, so the check and the count are one atomic step.
    func tryOpenConnection(limit: Int) -> Bool {
        var current = self.openConnections.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = self.openConnections.compareExchange(
                expected: current,
                desired: current + 1,
                ordering: .relaxed
            )
            if exchanged {
                self.openConnectionsGauge.record(current + 1)
                self.connectionsTotal.increment()
                return true
            }
            current = original
        }
        self.connectionsRefused.increment()
        return false
    }

    /// Counts a connection refused after it was counted open (another limit than the total refused it).
    func connectionRefused() {
        self.connectionsRefused.increment()
    }

    func connectionClosed() {
        let now = self.openConnections.subtract(1, ordering: .relaxed).newValue
        self.openConnectionsGauge.record(now)
    }

    /// One call fewer in progress (the per-connection ``DealServerCallMetrics`` records its count and latency).
    func callFinished() {
        self.openCallsGauge.record(self.openCalls.subtract(1, ordering: .relaxed).newValue)
    }

    /// The handles for a method and status, created on first use; takes the shared lock.
    func handles(method: DealMethod, code: DealStatusCode) -> CallHandles {
        let key = method.path + " " + code.name
        return self.handles.withLock { handles in
            if let existing = handles[key] {
                return existing
            }
            let created = CallHandles(
                counter: Counter(
                    label: "dealstore_calls_total",
                    dimensions: [("method", method.path), ("code", code.name)]
                ),
                latency: Metrics.Timer(
                    label: "dealstore_call_duration_seconds",
                    dimensions: [("method", method.path)],
                    preferredDisplayUnit: .seconds
                )
            )
            handles[key] = created
            return created
        }
    }
}
