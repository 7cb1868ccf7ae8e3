import DealProtocol
import NIOCore

/// A running call as its connection sees it: the connection hands it requests and lifecycle events, all on the
/// connection's event loop, and the call answers through its ``DealServerCallWriter``.
protocol DealServerCall: AnyObject {
    /// A request message arrived; `endStream` is true on the client's last.
    func receive(_ message: ByteBuffer, endStream: Bool)
    /// The client ended its requests with an empty END_STREAM frame.
    func endRequests()
    /// The call is over from the client's side (CANCEL, deadline, connection loss): stop working on it.
    func cancel()
    /// A streaming call blocked on flow control may produce again.
    func writable()
}
