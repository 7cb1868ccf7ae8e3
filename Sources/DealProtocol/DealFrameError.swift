/// A violation of the frame layer: bytes that are not a valid frame.
///
/// Every frame error is a connection error: the receiver sends GOAWAY with ``statusCode`` and the message, then
/// closes the connection (Protocol/PROTOCOL.md, "Errors").
public struct DealFrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of violation.
    public var code: Code
    /// What was wrong, with the offending values.
    public var message: String

    /// Creates a frame error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The status code to send in the GOAWAY that ends the connection.
    public var statusCode: DealStatusCode {
        switch self.code {
        case .frameTooLarge: .resourceExhausted
        default: .internal
        }
    }

    public var description: String {
        "\(self.code): \(self.message)"
    }
}

extension DealFrameError {
    /// The kinds of frame error; the names are the ones used in Protocol/vectors.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable identifier, e.g. `frame_too_short`.
        public var name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The length field is below 8, the size of the rest of the header.
        public static let frameTooShort = Code("frame_too_short")
        /// The payload exceeds the receiver's announced maximum frame size.
        public static let frameTooLarge = Code("frame_too_large")
        /// One of the length field's top two bits is set.
        public static let reservedLengthBits = Code("reserved_length_bits")
        /// An undefined frame type on stream 0, where no extension can be ignored safely.
        public static let unknownConnectionFrame = Code("unknown_connection_frame")
        /// The connection ended in the middle of a frame.
        public static let truncatedFrame = Code("truncated_frame")

        public var description: String {
            self.name
        }
    }
}
