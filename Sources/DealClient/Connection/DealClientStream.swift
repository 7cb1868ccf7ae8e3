import DealProtocol
import NIOCore
import Synchronization

/// The responses of one call as they arrive; starts the call on first use and retries it on a new connection when
/// a GOAWAY says the server did not process it.
final class DealClientStream: Sendable {
    typealias Start =
        @Sendable () async throws(DealRPCError) -> (
            DealClientConnection, UInt32, AsyncThrowingStream<ByteBuffer, any Error>
        )

    private let start: Start
    private let state = Mutex<State>(.idle)
    private static let maximumAttempts = 3

    private enum State {
        case idle
        case running(DealClientConnection, UInt32, AsyncThrowingStream<ByteBuffer, any Error>, receivedAny: Bool)
        case finished
    }

    init(start: @escaping Start) {
        self.start = start
    }

    /// Ends the call if it is running: CANCEL to the server; a later ``next()`` returns `nil`.
    func cancel() {
        let running: (DealClientConnection, UInt32)? = self.state.withLock { state in
            defer { state = .finished }
            if case .running(let connection, let id, _, _) = state { return (connection, id) }
            return nil
        }
        if let (connection, id) = running {
            connection.cancel(streamID: id)
        }
    }

    /// The next response, `nil` after OK trailers, or the call's error.
    func next() async throws(DealRPCError) -> ByteBuffer? {
        var attempts = 0
        while true {
            let current: (DealClientConnection, UInt32, AsyncThrowingStream<ByteBuffer, any Error>, Bool)
            switch self.state.withLock({ $0 }) {
            case .finished:
                return nil
            case .running(let connection, let id, let responses, let receivedAny):
                current = (connection, id, responses, receivedAny)
            case .idle:
                attempts += 1
                let (connection, id, responses) = try await self.start()
                self.state.withLock { $0 = .running(connection, id, responses, receivedAny: false) }
                current = (connection, id, responses, false)
            }
            let (connection, id, responses, receivedAny) = current
            do {
                // AsyncThrowingStream's iterator is a value: a fresh one each time reads where the last left off.
                var iterator = responses.makeAsyncIterator()
                let next = try await withTaskCancellationHandler {
                    try await iterator.next()
                } onCancel: {
                    connection.cancel(streamID: id)
                }
                if let next {
                    if !receivedAny {
                        self.state.withLock { $0 = .running(connection, id, responses, receivedAny: true) }
                    }
                    return next
                }
                self.state.withLock { $0 = .finished }
                // A cancelled task's stream ends without an error: that is a cancelled call, not a complete one.
                if Task.isCancelled {
                    throw DealRPCError(code: .cancelled, message: "the call was cancelled")
                }
                return nil
            } catch let error as DealClientUnprocessedError where !receivedAny && attempts < Self.maximumAttempts {
                // Not processed: safe to run again on a new connection.
                _ = error
                self.state.withLock { $0 = .idle }
                continue
            } catch {
                self.state.withLock { $0 = .finished }
                throw DealClientConnectionManager.rpcError(error)
            }
        }
    }
}
