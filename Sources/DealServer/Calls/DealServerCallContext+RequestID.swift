import DealProtocol

extension DealServerCallContext {
    /// The call's `request-id` as the call log line prints it: control characters escaped and cut to 128 bytes
    /// (``DealLogHandler/peerValue(_:)``); `nil` when the client sent none.
    ///
    /// Why here, where the header is read: the id is free text from an unauthenticated peer, and the one log line
    /// per call must stay one line of bounded length whatever the peer sends.
    var requestID: String? {
        self.metadata(DealProtocolVersion.requestIDMetadataKey).map(DealLogHandler.peerValue)
    }
}
