public import NIOCore

/// One unit of the DealStore wire protocol.
///
/// On the wire: `length u32 | type u8 | flags u8 | reserved u16 | stream_id u32 | payload`, big-endian, where
/// `length` counts the 8 header bytes after it plus the payload. Stream 0 is the connection itself; calls use
/// client-chosen, increasing, odd-or-even-agnostic non-zero ids. See Protocol/PROTOCOL.md.
public struct DealFrame: Hashable, Sendable {
    /// What the frame carries.
    public var kind: Kind
    /// Flag bits; only ``Flags/endStream`` is defined.
    public var flags: Flags
    /// The stream the frame belongs to; 0 for connection frames (HELLO, PING, PONG, GOAWAY).
    public var streamID: UInt32
    /// The payload: a protobuf message, encoded.
    public var payload: ByteBuffer

    /// The bytes of the fixed header that follow the length field.
    public static let headerLengthAfterLengthField = 8
    /// The bytes of the whole fixed header including the length field.
    public static let headerLength = 12
    /// The default and minimum largest payload a peer accepts: 4 MiB.
    public static let defaultMaximumPayloadSize = 4 * 1024 * 1024
    /// The largest payload any peer may announce: the length field's top two bits must stay zero.
    public static let absoluteMaximumPayloadSize = (1 << 30) - 1 - headerLengthAfterLengthField

    /// Creates a frame.
    public init(kind: Kind, flags: Flags = [], streamID: UInt32, payload: ByteBuffer = ByteBuffer()) {
        self.kind = kind
        self.flags = flags
        self.streamID = streamID
        self.payload = payload
    }

    /// Whether the sender will send nothing more on this stream.
    public var isEndStream: Bool {
        self.flags.contains(.endStream)
    }
}

extension DealFrame {
    /// A frame type: the byte after the length field.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The byte on the wire.
        public var rawValue: UInt8

        /// Wraps a type byte as received; unknown values are kept.
        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// Connection setup (stream 0): a `Hello` message.
        public static let hello = Kind(rawValue: 0x01)
        /// Opens a call: a `CallHeaders` message.
        public static let headers = Kind(rawValue: 0x02)
        /// One request or response protobuf message.
        public static let message = Kind(rawValue: 0x03)
        /// Ends a call with a status: a `Trailers` message (server to client only).
        public static let trailers = Kind(rawValue: 0x04)
        /// Abandons a call: a `Cancel` message, possibly empty.
        public static let cancel = Kind(rawValue: 0x05)
        /// Liveness probe (stream 0): a `Ping` message.
        public static let ping = Kind(rawValue: 0x06)
        /// Answer to a PING (stream 0), echoing its `Ping` message.
        public static let pong = Kind(rawValue: 0x07)
        /// The sender stops accepting calls (stream 0): a `GoAway` message.
        public static let goAway = Kind(rawValue: 0x08)
        /// Grants flow-control credit on a stream: a `WindowUpdate` message.
        public static let windowUpdate = Kind(rawValue: 0x09)

        /// Whether this version of the protocol defines the type.
        public var isKnown: Bool {
            (0x01...0x09).contains(self.rawValue)
        }

        /// Whether the type belongs on stream 0 rather than on a call's stream.
        public var isConnectionLevel: Bool {
            self == .hello || self == .ping || self == .pong || self == .goAway
        }

        public var description: String {
            switch self.rawValue {
            case 0x01: "HELLO"
            case 0x02: "HEADERS"
            case 0x03: "MESSAGE"
            case 0x04: "TRAILERS"
            case 0x05: "CANCEL"
            case 0x06: "PING"
            case 0x07: "PONG"
            case 0x08: "GOAWAY"
            case 0x09: "WINDOW_UPDATE"
            default: "UNKNOWN(0x\(String(self.rawValue, radix: 16)))"
            }
        }
    }

    /// The flag byte.
    public struct Flags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8

        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// The sender's last frame on this stream.
        public static let endStream = Flags(rawValue: 0x01)
    }
}
