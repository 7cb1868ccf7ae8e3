/// User-inbound events a ``DealTLSHandler`` fires down the pipeline.
public enum DealTLSEvent: Sendable, Hashable {
    /// The handshake finished; application data may now flow. Fired once per connection, before any decrypted read.
    case handshakeCompleted(DealTLSHandshakeInfo)
    /// The peer sent close_notify: it will send no more data. The handler answers and closes the channel.
    case closeNotifyReceived
}
