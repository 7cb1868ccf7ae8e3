import DealProtocol
import Logging
import NIOCore

/// What a call's handler knows about the call.
struct DealServerCallContext: Sendable {
    let streamID: UInt32
    let method: DealMethod
    let headers: Dealstore_V1_CallHeaders
    let peer: DealServerPeer
    let startedAt: NIODeadline
    var logger: Logger
    /// The role the caller proved; set by the router before the handler runs.
    var role: DealRole = .none

    init(
        streamID: UInt32,
        method: DealMethod,
        headers: Dealstore_V1_CallHeaders,
        peer: DealServerPeer,
        startedAt: NIODeadline,
        logger: Logger
    ) {
        self.streamID = streamID
        self.method = method
        self.headers = headers
        self.peer = peer
        self.startedAt = startedAt
        self.logger = logger
    }

    /// A metadata value as text.
    func metadata(_ key: String) -> String? {
        self.headers.metadata.first { $0.key == key }.map { String(decoding: $0.value, as: UTF8.self) }
    }
}
