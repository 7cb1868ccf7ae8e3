/// The lifecycle of one TLS connection, free of I/O so it can be tested without sockets.
///
/// The handler reports what happened (a handshake step, a close request, the channel going inactive...) and
/// performs the returned action. Every transition lives here so questions like "is this close clean?" have one
/// answer.
struct DealTLSConnectionStateMachine {
    enum State: Equatable {
        /// The channel is not active yet.
        case idle
        /// ClientHello sent or awaited; the handshake timeout runs.
        case handshaking
        /// Application data flows both ways.
        case active
        /// close_notify was sent (and maybe received); only the channel close remains.
        case closing
        /// The connection failed or is closed; nothing more happens.
        case closed
    }

    enum HandshakeStep {
        case completed
        case wantMoreData
        case failed(DealTLSError)
    }

    enum Action {
        /// Nothing to do beyond what the caller was doing.
        case none
        /// Start the handshake and its timeout.
        case startHandshake
        /// Send whatever ciphertext OpenSSL produced and wait for the peer.
        case flushCiphertext
        /// Send the final handshake flight, cancel the timeout, announce the handshake, flush queued writes.
        case completeHandshake
        /// Send any alert, report the error, fail queued writes and close the channel.
        case failAndClose(DealTLSError)
        /// Queue close_notify, send it and close the channel once it is written.
        case sendCloseNotifyAndClose
        /// Close the channel without close_notify (no session exists to protect).
        case closeWithoutCloseNotify
        /// A close is already under way; attach to it.
        case joinPendingClose
        /// Report the error, then forward channelInactive.
        case reportErrorAndForwardInactive(DealTLSError)
        /// Forward channelInactive.
        case forwardInactive
    }

    private(set) var state: State = .idle

    var isHandshaking: Bool {
        self.state == .handshaking
    }

    var isActive: Bool {
        self.state == .active
    }

    mutating func channelActive() -> Action {
        guard self.state == .idle else {
            return .none
        }
        self.state = .handshaking
        return .startHandshake
    }

    mutating func handshakeStepped(_ step: HandshakeStep) -> Action {
        guard self.state == .handshaking else {
            return .none
        }
        switch step {
        case .completed:
            self.state = .active
            return .completeHandshake
        case .wantMoreData:
            return .flushCiphertext
        case .failed(let error):
            self.state = .closed
            return .failAndClose(error)
        }
    }

    mutating func handshakeTimedOut(after timeout: String) -> Action {
        guard self.state == .handshaking else {
            return .none
        }
        self.state = .closed
        return .failAndClose(
            DealTLSError(code: .handshakeTimeout, message: "TLS handshake did not complete within \(timeout)")
        )
    }

    /// An established connection could not decrypt or encrypt.
    mutating func ioFailed(_ error: DealTLSError) -> Action {
        switch self.state {
        case .handshaking, .active:
            self.state = .closed
            return .failAndClose(error)
        case .idle, .closing, .closed:
            return .none
        }
    }

    mutating func closeNotifyReceived() -> Action {
        guard self.state == .active else {
            return .none
        }
        self.state = .closing
        return .sendCloseNotifyAndClose
    }

    mutating func closeRequested() -> Action {
        switch self.state {
        case .idle, .handshaking:
            self.state = .closed
            return .closeWithoutCloseNotify
        case .active:
            self.state = .closing
            return .sendCloseNotifyAndClose
        case .closing:
            return .joinPendingClose
        case .closed:
            return .closeWithoutCloseNotify
        }
    }

    mutating func channelInactive() -> Action {
        let previous = self.state
        self.state = .closed
        switch previous {
        case .idle, .closing, .closed:
            return .forwardInactive
        case .handshaking:
            return .reportErrorAndForwardInactive(
                DealTLSError(
                    code: .connectionClosedDuringHandshake,
                    message: "the peer closed the connection before the TLS handshake completed"
                )
            )
        case .active:
            return .reportErrorAndForwardInactive(
                DealTLSError(
                    code: .uncleanShutdown,
                    message: "the peer closed the connection without sending close_notify; data may be truncated"
                )
            )
        }
    }
}
