import DealProtocol
import NIOCore

/// A call authorized by a bearer token, wrapped so that a reload revoking the token can end it: the wrapper
/// forwards everything to the call and, once its connection forgets it, removes its entry from the authorizer's
/// table of open calls.
///
/// Used only on its connection's event loop, like every ``DealServerCall``.
final class DealRevocableCall: DealServerCall {
    private let call: any DealServerCall
    private let streamID: UInt32
    /// Weak: the connection owns its calls, never the other way round.
    private weak var connection: DealServerConnectionHandler?
    /// Removes the table entry; set once registered.
    var deregister: (@Sendable () -> Void)?

    init(_ call: any DealServerCall, writer: DealServerCallWriter) {
        self.call = call
        self.streamID = writer.streamID
        self.connection = writer.connection.value
    }

    deinit {
        self.deregister?()
    }

    /// Stops the call's work and answers it with `code` (the connection drops it, and with it this wrapper).
    func end(code: DealStatusCode, message: String) {
        self.call.cancel()
        self.connection?.finish(streamID: self.streamID, code: code, message: message)
    }

    func receive(_ message: ByteBuffer, endStream: Bool) {
        self.call.receive(message, endStream: endStream)
    }

    func endRequests() {
        self.call.endRequests()
    }

    func cancel() {
        self.call.cancel()
    }

    func writable() {
        self.call.writable()
    }

    /// A weak reference that the authorizer's table can hold without keeping the call alive.
    final class Reference {
        weak var call: DealRevocableCall?

        init(_ call: DealRevocableCall) {
            self.call = call
        }
    }
}
