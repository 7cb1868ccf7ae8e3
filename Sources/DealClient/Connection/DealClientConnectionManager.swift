import DealProtocol
import DealTLS
import Logging
import NIOCore
import SwiftProtobuf
import Synchronization

/// Owns the client's connection: connects on demand, reconnects with backoff after a drop, and retries on a new
/// connection the calls a GOAWAY says were not processed.
final class DealClientConnectionManager: Sendable {
    private let configuration: DealClientConfiguration
    private let tlsContext: DealTLSContext
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(State())
    private let closeSignal: AsyncStream<Void>
    private let closeContinuation: AsyncStream<Void>.Continuation

    private struct State {
        var connection: DealClientConnection?
        /// Callers waiting while one of them connects.
        var connecting: EventLoopFuture<DealClientConnection>?
        var closed = false
        /// Whether any connection succeeded: until then a refused connection is most likely a wrong address or a
        /// daemon that is not running, not a restart, so calls give up after the short first-connection timeout.
        var everConnected = false
    }

    init(
        configuration: DealClientConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) throws(DealRPCError) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        var tls = DealTLSConfiguration.client(trustRootsFile: configuration.trustRootsFile)
        tls.serverHostname = configuration.host
        tls.certificateChainFile = configuration.certificateChainFile
        tls.privateKeyFile = configuration.privateKeyFile
        do {
            self.tlsContext = try DealTLSContext(configuration: tls)
        } catch {
            throw DealRPCError(code: .invalidArgument, message: "TLS setup failed: \(error.message)", cause: error)
        }
        (self.closeSignal, self.closeContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    func run() async {
        for await _ in self.closeSignal {}
        let connection = self.state.withLock { state in
            state.closed = true
            let connection = state.connection
            state.connection = nil
            return connection
        }
        connection?.close()
    }

    func close() {
        self.closeContinuation.finish()
    }

    // MARK: Connections

    /// A usable connection, connecting (with backoff, up to the wait timeout) when there is none.
    private func connection() async throws(DealRPCError) -> DealClientConnection {
        let everConnected = self.state.withLock { $0.everConnected }
        let deadline =
            ContinuousClock.now
            + (everConnected ? self.configuration.waitForConnectionTimeout : self.configuration.firstConnectionTimeout)
        var backoff = self.configuration.reconnectInitialBackoff
        var lastError: DealRPCError?
        while true {
            do {
                return try await self.connectOnce()
            } catch {
                // A refused or dropped connection may be a daemon restarting; a failed certificate check will fail
                // the same way every time, so it is reported at once.
                if error.code != .unavailable || Self.isTLSFailure(error) || ContinuousClock.now + backoff > deadline {
                    throw lastError.map { last in error.code == .unavailable ? last : error } ?? error
                }
                lastError = error
                self.logger.debug("connect failed; retrying", metadata: ["error": "\(error)", "backoff": "\(backoff)"])
                do {
                    try await Task.sleep(for: backoff)
                } catch {
                    throw DealRPCError(code: .cancelled, message: "cancelled while waiting to reconnect")
                }
                let jitter = Double.random(in: 0.8...1.2)
                backoff = min(backoff * 1.6 * jitter, self.configuration.reconnectMaximumBackoff)
            }
        }
    }

    private func connectOnce() async throws(DealRPCError) -> DealClientConnection {
        enum Step {
            case use(DealClientConnection)
            case wait(EventLoopFuture<DealClientConnection>)
            case connect(EventLoopPromise<DealClientConnection>)
            case closed
        }
        let step: Step = self.state.withLock { state in
            if state.closed { return .closed }
            if let connection = state.connection, connection.isUsable { return .use(connection) }
            if let connecting = state.connecting { return .wait(connecting) }
            let promise = self.group.next().makePromise(of: DealClientConnection.self)
            state.connecting = promise.futureResult
            return .connect(promise)
        }
        switch step {
        case .closed:
            throw DealRPCError(code: .unavailable, message: "the client is closed")
        case .use(let connection):
            return connection
        case .wait(let future):
            do {
                return try await future.get()
            } catch let error as DealRPCError {
                throw error
            } catch {
                throw DealRPCError(code: .unavailable, message: "\(error)", cause: error)
            }
        case .connect(let promise):
            do {
                let connection = try await DealClientConnection.connect(
                    configuration: self.configuration,
                    tlsContext: self.tlsContext,
                    group: self.group
                )
                let old = self.state.withLock { state in
                    let old = state.connection
                    state.connection = connection
                    state.connecting = nil
                    state.everConnected = true
                    return old
                }
                old?.close()
                promise.succeed(connection)
                return connection
            } catch {
                self.state.withLock { $0.connecting = nil }
                promise.fail(error)
                throw error
            }
        }
    }

    // MARK: Calls

    /// Runs a call whose requests are all known, collecting every response; retried if GOAWAY says unprocessed.
    func bufferedCall(
        _ method: DealMethod,
        payloads: [ByteBuffer],
        options: DealCallOptions
    ) async throws(DealRPCError) -> [ByteBuffer] {
        let stream = self.streamingCall(method, payloads: payloads, options: options)
        var responses: [ByteBuffer] = []
        while let response = try await stream.next() {
            responses.append(response)
        }
        return responses
    }

    /// Starts a call with one request and returns its responses as they arrive.
    func streamingCall(_ method: DealMethod, payload: ByteBuffer, options: DealCallOptions) -> DealClientStream {
        self.streamingCall(method, payloads: [payload], options: options)
    }

    private func streamingCall(
        _ method: DealMethod,
        payloads: [ByteBuffer],
        options: DealCallOptions
    ) -> DealClientStream {
        DealClientStream {
            () async throws(DealRPCError) -> (DealClientConnection, UInt32, AsyncThrowingStream<ByteBuffer, any Error>)
            in
            let (responses, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
            let connection = try await self.connection()
            do {
                let id = try await connection.open(
                    method: method,
                    options: options,
                    payloads: payloads,
                    endStream: true,
                    continuation: continuation
                )
                return (connection, id, responses)
            } catch {
                throw Self.rpcError(error)
            }
        }
    }

    /// Runs a call whose requests come from a sequence; not retried (the sequence may not be replayable).
    func clientStreamingCall<Requests: AsyncSequence & Sendable>(
        _ method: DealMethod,
        requests: Requests,
        options: DealCallOptions
    ) async throws(DealRPCError) -> [ByteBuffer] where Requests.Element: SwiftProtobuf.Message {
        let connection = try await self.connection()
        let (responses, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        var streamID: UInt32?
        do {
            // One message is held back so the last can carry END_STREAM; an empty sequence ends with HEADERS.
            var iterator = requests.makeAsyncIterator()
            var held: ByteBuffer? = try await iterator.next().map { request throws(DealRPCError) in
                try DealFrame.encode(request)
            }
            let id = try await connection.open(
                method: method,
                options: options,
                payloads: [],
                endStream: held == nil,
                continuation: continuation
            )
            streamID = id
            while let current = held {
                let next = try await iterator.next()
                held = try next.map { request throws(DealRPCError) in try DealFrame.encode(request) }
                try await connection.send(current, endStream: held == nil, streamID: id)
            }
        } catch {
            if let streamID {
                connection.cancel(streamID: streamID)
            }
            if error is DealClientUnprocessedError {
                throw DealRPCError(
                    code: .unavailable,
                    message: "the server is shutting down and did not process the call; it is safe to retry"
                )
            }
            // A status the server sent early (it refused the call) explains more than the send failure. The
            // cancel above is a no-op for a call the server already ended; for an open call it ends the stream
            // with our own CANCELLED, which must not hide the original error.
            do {
                for try await _ in responses {}
            } catch let answer as DealRPCError where answer.code != .cancelled {
                throw answer
            } catch {}
            throw Self.rpcError(error)
        }
        let id = streamID ?? 0
        do {
            return try await withTaskCancellationHandler {
                var collected: [ByteBuffer] = []
                for try await response in responses {
                    collected.append(response)
                }
                if Task.isCancelled {
                    throw DealRPCError(code: .cancelled, message: "the call was cancelled")
                }
                return collected
            } onCancel: {
                connection.cancel(streamID: id)
            }
        } catch {
            throw Self.rpcError(error)
        }
    }

    static func isTLSFailure(_ error: DealRPCError) -> Bool {
        var cause = error.cause
        while let current = cause {
            if current is DealTLSError { return true }
            cause = (current as? DealRPCError)?.cause
        }
        return false
    }

    static func rpcError(_ error: any Error) -> DealRPCError {
        switch error {
        case let error as DealRPCError:
            return error
        case is CancellationError:
            return DealRPCError(code: .cancelled, message: "the call was cancelled")
        case let error as DealClientUnprocessedError:
            return DealRPCError(code: .unavailable, message: "not processed by the server: \(error.reason)")
        default:
            return DealRPCError(code: .unknown, message: "\(error)", cause: error)
        }
    }
}
