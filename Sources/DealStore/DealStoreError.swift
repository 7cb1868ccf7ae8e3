/// An error from the deal store, shaped like grpc-swift's `RPCError`: a code, a message for people and an
/// optional underlying cause.
///
/// The server maps ``Code`` one-to-one onto gRPC status codes. Messages name the offending field (in proto field
/// path form, e.g. `participations[0].committed.nanos`) and say what to do.
public struct DealStoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; maps onto a gRPC status code of the same name.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case notFound
            case alreadyExists
            case invalidArgument
            case failedPrecondition
            case aborted
            case outOfRange
            case readOnly
            case dataLoss
            case `internal`
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The record (deal, organization, revision) does not exist.
        public static let notFound = Code(.notFound)
        /// A record with this id already exists.
        public static let alreadyExists = Code(.alreadyExists)
        /// The request is malformed: the message names the field.
        public static let invalidArgument = Code(.invalidArgument)
        /// The request is valid but the store's state forbids it (e.g. deleting a referenced organization).
        public static let failedPrecondition = Code(.failedPrecondition)
        /// The expected etag does not match the stored one: re-read and retry.
        public static let aborted = Code(.aborted)
        /// The requested revision is older than the compacted revision of the change feed.
        public static let outOfRange = Code(.outOfRange)
        /// The store refuses writes after a write or fsync failure (maps to gRPC UNAVAILABLE).
        public static let readOnly = Code(.readOnly)
        /// On-disk data is damaged (recovery refused) or a write could not be made durable.
        public static let dataLoss = Code(.dataLoss)
        /// A bug or an unexpected failure.
        public static let `internal` = Code(.internal)

        public var description: String {
            switch self.wrapped {
            case .notFound: "notFound"
            case .alreadyExists: "alreadyExists"
            case .invalidArgument: "invalidArgument"
            case .failedPrecondition: "failedPrecondition"
            case .aborted: "aborted"
            case .outOfRange: "outOfRange"
            case .readOnly: "readOnly"
            case .dataLoss: "dataLoss"
            case .internal: "internal"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, naming the field and what to do.
    public var message: String
    /// The underlying error (an I/O error, a decoding error), if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause = self.cause {
            return "\(self.code): \(self.message) (cause: \(cause))"
        }
        return "\(self.code): \(self.message)"
    }

    static func invalid(_ field: String, _ problem: String) -> DealStoreError {
        DealStoreError(code: .invalidArgument, message: "\(field): \(problem)")
    }
}

/// An operating-system error (`errno`) from a file operation of the store.
public struct DealIOError: Error, Sendable, CustomStringConvertible {
    /// The failing operation, e.g. `fsync`.
    public var operation: String
    /// The file concerned.
    public var path: String
    /// The `errno` value.
    public var errno: Int32

    /// Creates an I/O error.
    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String {
        "\(self.operation)(\(self.path)) failed: errno \(self.errno)"
    }
}
