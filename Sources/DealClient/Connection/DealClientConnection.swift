import DealProtocol
import DealTLS
import NIOCore
import NIOPosix
import Synchronization

/// One established connection: TLS done, HELLO exchanged, ready for calls.
final class DealClientConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<DealClientConnectionHandler>
    private let flag: UsableFlag

    private init(channel: any Channel, handler: NIOLoopBound<DealClientConnectionHandler>, flag: UsableFlag) {
        self.channel = channel
        self.handler = handler
        self.flag = flag
    }

    /// Whether new calls may use this connection (no GOAWAY, no error, not closed).
    var isUsable: Bool {
        self.flag.usable.load(ordering: .relaxed)
    }

    /// Connects, completes TLS and HELLO, or throws UNAVAILABLE saying why.
    static func connect(
        configuration: DealClientConfiguration,
        tlsContext: DealTLSContext,
        group: any EventLoopGroup
    ) async throws(DealRPCError) -> DealClientConnection {
        let address = "\(configuration.host):\(configuration.port)"
        let flag = UsableFlag()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw DealRPCError(
                code: .unavailable,
                message: "cannot connect to \(address): \(Self.describe(error)); is dealsd running there?",
                cause: error
            )
        }
        let ready = channel.eventLoop.makePromise(of: DealClientConnectionStateMachine.ServerSettings.self)
        let handlerBox: NIOLoopBound<DealClientConnectionHandler>
        do {
            handlerBox = try await channel.eventLoop.submit {
                let tls = try tlsContext.makeHandler(serverHostname: configuration.host)
                let handler = DealClientConnectionHandler(agent: configuration.agent, readyPromise: ready) {
                    flag.usable.store(false, ordering: .relaxed)
                }
                try channel.pipeline.syncOperations.addHandler(tls)
                try channel.pipeline.syncOperations.addHandler(handler)
                return NIOLoopBound(handler, eventLoop: channel.eventLoop)
            }.get()
        } catch {
            // Nothing will ever complete the promise now; a promise dropped uncompleted is a fatal error in NIO's
            // debug builds.
            ready.fail(error)
            channel.close(promise: nil)
            throw DealRPCError(
                code: .unavailable,
                message: "cannot set up TLS for \(address): \(Self.describe(error))",
                cause: error
            )
        }
        channel.closeFuture.whenComplete { _ in
            ready.fail(DealRPCError(code: .unavailable, message: "the connection to \(address) closed"))
        }
        do {
            _ = try await ready.futureResult.get()
        } catch let error as DealRPCError {
            channel.close(promise: nil)
            // The message tells the whole story once; the cause is the root error alone, not the chain of wrappers.
            throw DealRPCError(
                code: error.code == .ok ? .unavailable : error.code,
                message: "connecting to \(address) failed: \(Self.describe(error.cause ?? error))"
                    + Self.hint(configuration: configuration, error: error),
                cause: error.cause
            )
        } catch {
            channel.close(promise: nil)
            throw DealRPCError(code: .unavailable, message: "connecting to \(address) failed: \(error)", cause: error)
        }
        return DealClientConnection(channel: channel, handler: handlerBox, flag: flag)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DealTLSError {
            return "TLS: \(error.message)"
        }
        if let error = error as? DealRPCError {
            return error.message
        }
        return "\(error)"
    }

    private static func hint(configuration: DealClientConfiguration, error: DealRPCError) -> String {
        guard error.cause is DealTLSError else { return "" }
        if let ca = configuration.trustRootsFile {
            return " (trusted CA file: \(ca))"
        }
        return
            " (trusting the system's CA store; set DealClientConfiguration.trustRootsFile to the CA that signed the "
            + "server's certificate)"
    }

    /// Opens a call's stream; the continuation receives its responses.
    func open(
        method: DealMethod,
        options: DealCallOptions,
        payloads: [ByteBuffer],
        endStream: Bool,
        continuation: DealClientConnectionHandler.Continuation
    ) async throws -> UInt32 {
        let promise = self.channel.eventLoop.makePromise(of: UInt32.self)
        let handler = self.handler
        self.channel.eventLoop.execute {
            handler.value.open(
                .init(
                    method: method,
                    options: options,
                    payloads: payloads,
                    endStream: endStream,
                    continuation: continuation,
                    promise: promise
                )
            )
        }
        return try await promise.futureResult.get()
    }

    /// Sends a further request message; returns when flow control allows the next one.
    func send(_ payload: ByteBuffer, endStream: Bool, streamID: UInt32) async throws {
        let promise = self.channel.eventLoop.makePromise(of: Void.self)
        let handler = self.handler
        self.channel.eventLoop.execute {
            handler.value.send(payload, endStream: endStream, streamID: streamID, promise: promise)
        }
        try await promise.futureResult.get()
    }

    /// Cancels a call: CANCEL to the server, CANCELLED to the caller.
    func cancel(streamID: UInt32) {
        let handler = self.handler
        self.channel.eventLoop.execute {
            handler.value.cancel(streamID: streamID)
        }
    }

    func close() {
        self.flag.usable.store(false, ordering: .relaxed)
        self.channel.close(promise: nil)
    }
}

/// The flag a connection's handler clears when the connection can take no new calls.
private final class UsableFlag: Sendable {
    let usable = Atomic<Bool>(true)
}
