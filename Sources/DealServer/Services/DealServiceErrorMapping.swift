import DealProtocol
import DealStore

/// Turns any error a handler meets into the status a caller sees.
enum DealServiceErrorMapping {
    static func rpcError(from error: any Error) -> DealRPCError {
        switch error {
        case let error as DealRPCError:
            return error
        case let error as DealStoreError:
            return DealRPCError(code: Self.statusCode(for: error.code), message: error.message, cause: error)
        default:
            return DealRPCError(code: .internal, message: "internal error: \(error)", cause: error)
        }
    }

    static func statusCode(for code: DealStoreError.Code) -> DealStatusCode {
        switch code {
        case .notFound: .notFound
        case .alreadyExists: .alreadyExists
        case .invalidArgument: .invalidArgument
        case .failedPrecondition: .failedPrecondition
        case .aborted: .aborted
        case .outOfRange: .outOfRange
        case .readOnly: .unavailable
        case .dataLoss: .dataLoss
        default: .internal
        }
    }
}
