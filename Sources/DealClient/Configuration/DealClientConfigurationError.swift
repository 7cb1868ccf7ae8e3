/// Connection settings that cannot be used: an unreadable profile or token file, a bad address, a certificate
/// without its key. The message names the setting, where it came from, and what to change.
public struct DealClientConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of setting is wrong.
    public enum Code: String, Sendable, Equatable {
        /// An address that is not `host:port`, `host` or `[v6]:port`.
        case invalidAddress
        /// The profile file cannot be read or decoded, or names no such profile.
        case invalidProfile
        /// A token file cannot be read.
        case unreadableTokenFile
        /// A client certificate without its key, or a key without its certificate.
        case incompleteClientCertificate
    }

    /// What kind of setting is wrong.
    public var code: Code
    /// One line saying what is wrong, where the value came from, and what to do.
    public var message: String
    /// The underlying error (a file-system or JSON error), for logs.
    public var cause: String?

    /// Creates an error.
    public init(code: Code, message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        self.message
    }
}
