import DealModel
import DealProtocol
public import Logging
public import NIOCore
public import NIOPosix
public import SwiftProtobuf

/// A client of `dealsd`: every RPC of the DealStore service over one multiplexed TLS connection.
///
/// Create it with ``withDealClient(configuration:eventLoopGroup:logger:_:)`` so the connection is always closed.
/// The client is safe to share across tasks; calls run concurrently on the one connection. When the connection
/// drops, the client reconnects with backoff; calls that the server had not processed when it sent GOAWAY are
/// retried on a new connection, and no others are. Every failure surfaces as `DealRPCError` with the status code
/// and a message saying what to do. Cancelling the task that awaits a call sends CANCEL to the server.
public final class DealClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: DealClientConfiguration
    let connectionManager: DealClientConnectionManager
    /// The token sent on every call: ``DealClientConfiguration/token`` or the contents of its `tokenFile`, trimmed.
    let bearerToken: String?
    /// The highest revision seen in any answer: ``DealClientConfiguration/revisionTracker``, or the client's own.
    public let revisionTracker: DealRevisionTracker

    /// Creates a client; nothing connects until ``run()`` is running and a call is made.
    public init(
        configuration: DealClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "dealstore.client", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(DealRPCError) {
        var configuration = configuration
        let tracker = configuration.revisionTracker ?? DealRevisionTracker()
        configuration.revisionTracker = tracker
        self.revisionTracker = tracker
        self.configuration = configuration
        if let token = configuration.token {
            self.bearerToken = DealConnectionResolver.trimmed(token)
        } else if let file = configuration.tokenFile {
            do {
                self.bearerToken = try DealConnectionResolver.readToken(
                    file,
                    source: "DealClientConfiguration.tokenFile"
                )
            } catch {
                throw DealRPCError(code: .invalidArgument, message: error.message)
            }
        } else {
            self.bearerToken = nil
        }
        self.connectionManager = try DealClientConnectionManager(
            configuration: configuration,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
    }

    /// Maintains the connection until ``close()`` is called or the surrounding task is cancelled.
    public func run() async {
        await self.connectionManager.run()
    }

    /// Stops accepting calls, lets calls in flight finish, closes the connection and ends ``run()``.
    public func close() {
        self.connectionManager.close()
    }

    /// Makes a call with one request and one response.
    public func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: DealMethod,
        request: Request,
        responseType: Response.Type = Response.self,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Response {
        let responses = try await self.call(method, requests: [request], options: options)
        guard responses.count == 1 else {
            throw DealRPCError(
                code: .internal,
                message: "\(method.path) is unary but the server sent \(responses.count) responses"
            )
        }
        return try DealFrame.decode(Response.self, from: responses[0], what: "response", errorCode: .internal)
    }

    /// Makes a call with one request and a stream of responses, delivered as they arrive.
    ///
    /// Iterating the returned sequence drives the call; stopping early cancels it on the server.
    public func serverStreaming<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: DealMethod,
        request: Request,
        responseType: Response.Type = Response.self,
        options: DealCallOptions = DealCallOptions()
    ) -> DealResponseStream<Response> {
        DealResponseStream(client: self, method: method, request: request, options: options)
    }

    /// Makes a call with a stream of requests and one response.
    public func clientStreaming<Requests: AsyncSequence & Sendable, Response: SwiftProtobuf.Message>(
        _ method: DealMethod,
        requests: Requests,
        responseType: Response.Type = Response.self,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> Response where Requests.Element: SwiftProtobuf.Message {
        let responses = try await self.connectionManager.clientStreamingCall(
            method,
            requests: requests,
            options: self.effective(options)
        )
        guard responses.count == 1 else {
            throw DealRPCError(
                code: .internal,
                message: "\(method.path) has one response but the server sent \(responses.count)"
            )
        }
        return try DealFrame.decode(Response.self, from: responses[0], what: "response", errorCode: .internal)
    }

    func call(
        _ method: DealMethod,
        requests: [some SwiftProtobuf.Message],
        options: DealCallOptions
    ) async throws(DealRPCError) -> [ByteBuffer] {
        var payloads: [ByteBuffer] = []
        payloads.reserveCapacity(requests.count)
        for request in requests {
            payloads.append(try DealFrame.encode(request))
        }
        return try await self.connectionManager.bufferedCall(
            method,
            payloads: payloads,
            options: self.effective(options)
        )
    }

    /// The highest store revision seen in any answer of this client (or of the clients sharing its tracker).
    public var highestSeenRevision: UInt64 { self.revisionTracker.revision }

    /// The options a call is sent with: the default timeout (not for server streams: a watch must not end after
    /// a unary call's budget), the bearer token and `min-revision`.
    func effective(_ options: DealCallOptions, streaming: Bool = false) -> DealCallOptions {
        var options = options
        if options.timeout == nil && !streaming {
            options.timeout = self.configuration.defaultCallTimeout
        }
        if let token = self.bearerToken, !token.isEmpty {
            options.metadata.append(DealMetadataEntry(key: "authorization", text: "Bearer \(token)"))
        }
        let key = DealProtocolVersion.minimumRevisionMetadataKey
        if !options.metadata.contains(where: { $0.key == key }) {
            let tracked = self.configuration.sendsMinimumRevision ? self.revisionTracker.revision : 0
            let minimum = options.minimumRevision ?? tracked
            if minimum > 0 { options.metadata.append(DealMetadataEntry(key: key, text: String(minimum))) }
        }
        return options
    }
}

/// Runs `body` with a connected client and closes the client when `body` returns or throws.
///
/// `body` may throw any error (a tool's own as well as the client's), so this function rethrows `any Error`:
/// catch the client's failures by type, `catch let error as DealRPCError where error.code == .notFound`.
///
/// ```swift
/// let configuration = try DealClientConfiguration.resolve()
/// try await withDealClient(configuration: configuration) { client in
///     let deal = try await client.getDeal(id: "amazon-anthropic-2023")
///     print(deal.title, deal.amount.formatted)
/// }
/// ```
public func withDealClient<Result: Sendable>(
    configuration: DealClientConfiguration,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    logger: Logger = Logger(label: "dealstore.client", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: (DealClient) async throws -> Result
) async throws -> Result {
    let client = try DealClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
    return try await withThrowingDiscardingTaskGroup(returning: Result.self) { group in
        group.addTask {
            await client.run()
        }
        defer { client.close() }
        return try await body(client)
    }
}
