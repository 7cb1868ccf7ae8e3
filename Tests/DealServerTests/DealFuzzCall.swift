import DealProtocol
import NIOCore

/// One generated call of the service fuzzer: the method path, who calls, and the exact bytes of its frames.
struct DealFuzzCall: Sendable, CustomStringConvertible {
    enum Caller: String, Sendable {
        case admin, writer, reader, anonymous, badToken
    }

    /// The path sent in `CallHeaders.method`; not always a method the server knows.
    var path: String
    var caller: Caller
    /// `CallHeaders.timeout_micros`; every call the fuzzer sends has a deadline, so every call must end.
    var timeoutMicros: UInt64
    /// The serialized `CallHeaders` (occasionally mangled).
    var headers: [UInt8]
    /// The request messages, each one MESSAGE frame; END_STREAM goes on the last, or on HEADERS when empty.
    var messages: [[UInt8]]

    var method: DealMethod? { DealMethod.named(self.path) }

    /// The frames of this call on `streamID`.
    func frames(streamID: UInt32) -> [DealFrame] {
        var frames = [
            DealFrame(
                kind: .headers,
                flags: self.messages.isEmpty ? .endStream : [],
                streamID: streamID,
                payload: ByteBuffer(bytes: self.headers)
            )
        ]
        for (index, message) in self.messages.enumerated() {
            frames.append(
                DealFrame(
                    kind: .message,
                    flags: index == self.messages.count - 1 ? .endStream : [],
                    streamID: streamID,
                    payload: ByteBuffer(bytes: message)
                )
            )
        }
        return frames
    }

    var description: String {
        let sizes = self.messages.prefix(4).map { "\($0.count) B" }.joined(separator: ", ")
        let first = self.messages.first.map { message in
            message.prefix(96).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }
        return "\(self.path) as \(self.caller.rawValue), timeout \(self.timeoutMicros) µs, "
            + "\(self.messages.count) message(s) [\(sizes)], first: \(first ?? "-")"
    }
}
