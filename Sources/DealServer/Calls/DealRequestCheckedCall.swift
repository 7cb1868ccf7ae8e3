import DealProtocol
import NIOCore

/// A token-authorized call whose request was still open when it was authorized, wrapped so that the token is
/// checked again when the request ends: a reload (SIGHUP) that revokes or demotes the token in between refuses the
/// call before its work starts.
///
/// The decision is taken once the request is complete and then kept: a mutation that has started (an import being
/// applied) reports its real outcome, never UNAUTHENTICATED for records it has already written. The check is one
/// atomic load unless a reload happened since the call was authorized.
///
/// Used only on its connection's event loop, like every ``DealServerCall``.
final class DealRequestCheckedCall: DealServerCall {
    private let call: any DealServerCall
    private let writer: DealServerCallWriter
    /// The refusal, if the token no longer allows the call; `nil` to go on.
    private let check: () -> (code: DealStatusCode, message: String)?
    private var refused = false

    init(
        _ call: any DealServerCall,
        writer: DealServerCallWriter,
        check: @escaping () -> (code: DealStatusCode, message: String)?
    ) {
        self.call = call
        self.writer = writer
        self.check = check
    }

    func receive(_ message: ByteBuffer, endStream: Bool) {
        guard !self.refused else { return }
        if endStream, !self.stillAllowed() { return }
        self.call.receive(message, endStream: endStream)
    }

    func endRequests() {
        guard !self.refused, self.stillAllowed() else { return }
        self.call.endRequests()
    }

    func cancel() {
        self.call.cancel()
    }

    func writable() {
        self.call.writable()
    }

    private func stillAllowed() -> Bool {
        guard let refusal = self.check() else { return true }
        self.refused = true
        self.call.cancel()
        self.writer.finish(code: refusal.code, message: refusal.message)
        return false
    }
}
