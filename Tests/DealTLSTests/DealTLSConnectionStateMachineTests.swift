import Testing

@testable import DealTLS

@Suite("DealTLSConnectionStateMachine")
struct DealTLSConnectionStateMachineTests {
    @Test("Activation starts the handshake exactly once")
    func activation() {
        var machine = DealTLSConnectionStateMachine()
        guard case .startHandshake = machine.channelActive() else {
            Issue.record("expected startHandshake")
            return
        }
        guard case .none = machine.channelActive() else {
            Issue.record("a second activation must do nothing")
            return
        }
        #expect(machine.state == .handshaking)
    }

    @Test("A completed handshake makes the connection active and a timeout afterwards is ignored")
    func completion() {
        var machine = DealTLSConnectionStateMachine()
        _ = machine.channelActive()
        guard case .flushCiphertext = machine.handshakeStepped(.wantMoreData) else {
            Issue.record("expected flushCiphertext")
            return
        }
        guard case .completeHandshake = machine.handshakeStepped(.completed) else {
            Issue.record("expected completeHandshake")
            return
        }
        guard case .none = machine.handshakeTimedOut(after: "1 s") else {
            Issue.record("a timeout after completion must do nothing")
            return
        }
        #expect(machine.state == .active)
    }

    @Test("A timeout during the handshake fails the connection")
    func timeout() {
        var machine = DealTLSConnectionStateMachine()
        _ = machine.channelActive()
        guard case .failAndClose(let error) = machine.handshakeTimedOut(after: "300 ms") else {
            Issue.record("expected failAndClose")
            return
        }
        #expect(error.code == .handshakeTimeout)
        #expect(machine.state == .closed)
    }

    @Test(
        "Channel inactive is reported according to how far the connection got",
        arguments: [
            (0, nil), (1, DealTLSError.Code.connectionClosedDuringHandshake), (2, DealTLSError.Code.uncleanShutdown),
            (3, nil),
        ] as [(Int, DealTLSError.Code?)]
    )
    func inactive(progress: Int, expected: DealTLSError.Code?) {
        var machine = DealTLSConnectionStateMachine()
        if progress >= 1 {
            _ = machine.channelActive()
        }
        if progress >= 2 {
            _ = machine.handshakeStepped(.completed)
        }
        if progress >= 3 {
            _ = machine.closeRequested()
        }
        switch machine.channelInactive() {
        case .reportErrorAndForwardInactive(let error):
            #expect(error.code == expected)
        case .forwardInactive:
            #expect(expected == nil)
        default:
            Issue.record("unexpected action")
        }
        #expect(machine.state == .closed)
    }

    @Test("Close sends close_notify only once a session exists; a second close joins the first")
    func close() {
        var machine = DealTLSConnectionStateMachine()
        _ = machine.channelActive()
        var handshaking = machine
        guard case .closeWithoutCloseNotify = handshaking.closeRequested() else {
            Issue.record("no close_notify before the handshake completes")
            return
        }
        _ = machine.handshakeStepped(.completed)
        guard case .sendCloseNotifyAndClose = machine.closeRequested() else {
            Issue.record("expected close_notify")
            return
        }
        guard case .joinPendingClose = machine.closeRequested() else {
            Issue.record("expected to join the pending close")
            return
        }
    }

    @Test("Receiving close_notify answers it and the following inactive is clean")
    func closeNotify() {
        var machine = DealTLSConnectionStateMachine()
        _ = machine.channelActive()
        _ = machine.handshakeStepped(.completed)
        guard case .sendCloseNotifyAndClose = machine.closeNotifyReceived() else {
            Issue.record("expected close_notify reply")
            return
        }
        guard case .forwardInactive = machine.channelInactive() else {
            Issue.record("expected a clean inactive")
            return
        }
    }
}
