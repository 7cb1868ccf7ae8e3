import DealProtocol
import NIOCore

/// One connection's cache of the metric handles its calls used, so counting a call takes no shared lock.
///
/// Owned by the connection handler and used only on its event loop.
struct DealServerCallMetrics {
    private struct Key: Hashable {
        var path: String
        var code: Int32
    }

    private let observer: DealServerConnectionObserver
    private var handles: [Key: DealServerConnectionObserver.CallHandles] = [:]

    init(observer: DealServerConnectionObserver) {
        self.observer = observer
    }

    /// Counts a finished call and records its duration.
    mutating func callEnded(method: DealMethod, code: DealStatusCode, duration: TimeAmount) {
        self.observer.callFinished()
        let key = Key(path: method.path, code: code.rawValue)
        if let handles = self.handles[key] {
            handles.record(duration)
            return
        }
        let handles = self.observer.handles(method: method, code: code)
        self.handles[key] = handles
        handles.record(duration)
    }
}
