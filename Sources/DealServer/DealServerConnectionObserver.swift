import DealProtocol
import Metrics
import NIOCore
import Synchronization

/// Counts connections and calls for metrics and for the connection limit.
///
/// Shared by every connection; counters are atomics and metric handles are created once per method and status,
/// so the per-call cost is a dictionary lookup under a lock and a few atomic adds.
final class DealServerConnectionObserver: Sendable {
    private let openConnections = Atomic<Int>(0)
    private let openCalls = Atomic<Int>(0)
    private let openCallsGauge = Gauge(label: "dealstore_streams")
    private let openConnectionsGauge = Gauge(label: "dealstore_connections")
    private let connectionsTotal = Counter(label: "dealstore_connections_total")
    private let handles = Mutex<[String: CallHandles]>([:])

    private struct CallHandles: Sendable {
        let counter: Counter
        let latency: Metrics.Timer
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

    func connectionOpened() {
        let now = self.openConnections.add(1, ordering: .relaxed).newValue
        self.openConnectionsGauge.record(now)
        self.connectionsTotal.increment()
    }

    func connectionClosed() {
        let now = self.openConnections.subtract(1, ordering: .relaxed).newValue
        self.openConnectionsGauge.record(now)
    }

    func callEnded(method: DealMethod, code: DealStatusCode, duration: TimeAmount) {
        self.openCallsGauge.record(self.openCalls.subtract(1, ordering: .relaxed).newValue)
        let key = method.path + " " + code.name
        let handles = self.handles.withLock { handles in
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
        handles.counter.increment()
        handles.latency.recordNanoseconds(duration.nanoseconds)
    }
}
