/// An error raised by DealTLS: configuration, certificate loading, handshakes and connection I/O.
///
/// Switch on ``code`` to decide what to do; ``message`` is for people and names the file, the certificate or the
/// check that failed; ``cause`` holds an underlying error when there is one.
public struct DealTLSError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure happened; compare with the static members (`error.code == .handshakeTimeout`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case invalidConfiguration
            case fileUnreadable
            case invalidCertificate
            case invalidPrivateKey
            case invalidTrustRoots
            case handshakeFailed
            case certificateVerificationFailed
            case handshakeTimeout
            case connectionClosedDuringHandshake
            case uncleanShutdown
            case protocolError
            case certificateGenerationFailed
            case internalError
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The configuration is inconsistent (for example an empty ALPN list or a server without a key).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A file named in the configuration does not exist or cannot be read.
        public static let fileUnreadable = Code(.fileUnreadable)
        /// A certificate (chain) file could not be parsed or used.
        public static let invalidCertificate = Code(.invalidCertificate)
        /// A private key file could not be parsed, or it does not match the certificate.
        public static let invalidPrivateKey = Code(.invalidPrivateKey)
        /// A trust-roots (CA) file could not be loaded, or the system store is unavailable.
        public static let invalidTrustRoots = Code(.invalidTrustRoots)
        /// The TLS handshake failed (protocol version, ALPN, alert from the peer, garbage on the wire...).
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The peer's certificate did not pass verification (untrusted, expired, wrong hostname, missing).
        public static let certificateVerificationFailed = Code(.certificateVerificationFailed)
        /// The handshake did not finish within the configured handshake timeout.
        public static let handshakeTimeout = Code(.handshakeTimeout)
        /// The peer closed the connection before the handshake completed.
        public static let connectionClosedDuringHandshake = Code(.connectionClosedDuringHandshake)
        /// The peer closed the connection after the handshake without sending close_notify (possible truncation).
        public static let uncleanShutdown = Code(.uncleanShutdown)
        /// An established connection received invalid TLS data or a fatal alert.
        public static let protocolError = Code(.protocolError)
        /// Generating keys or certificates (``DealDevelopmentCA``) failed.
        public static let certificateGenerationFailed = Code(.certificateGenerationFailed)
        /// OpenSSL failed in a way that indicates a bug or resource exhaustion.
        public static let internalError = Code(.internalError)

        /// A stable, lower-camel-case name of the code.
        public var description: String {
            String(describing: self.wrapped)
        }
    }

    /// What kind of failure happened.
    public var code: Code
    /// A human-readable explanation naming the file, certificate or check that failed, with OpenSSL's reasons.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: A human-readable explanation.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message`, followed by the cause when there is one.
    public var description: String {
        if let cause = self.cause {
            return "\(self.code): \(self.message) (cause: \(cause))"
        }
        return "\(self.code): \(self.message)"
    }
}
