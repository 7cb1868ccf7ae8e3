/// An error of the daemon itself (configuration, startup, files), as opposed to a call's status.
public struct DealServerError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public var name: String

        private init(_ name: String) {
            self.name = name
        }

        /// A setting, flag or file the configuration names is wrong.
        public static let invalidConfiguration = Code("invalid configuration")
        /// The listener could not bind.
        public static let bindFailed = Code("bind failed")
        /// The store could not be opened.
        public static let storeUnavailable = Code("store unavailable")
        /// TLS could not be set up.
        public static let tlsSetupFailed = Code("TLS setup failed")

        public var description: String {
            self.name
        }
    }

    public var code: Code
    /// What was wrong and what to do.
    public var message: String
    public var cause: (any Error)?

    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        "\(self.code): \(self.message)"
    }
}
