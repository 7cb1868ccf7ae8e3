import DealProtocol
public import DealStore
public import DealTLS
public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The DealStore network server: TLS listeners that serve the store over the DealStore protocol.
///
/// Run it as a swift-service-lifecycle `Service`. A graceful shutdown (SIGTERM, SIGINT) sends GOAWAY on every
/// connection, lets calls in flight finish within the drain grace period, then closes. ``reload()`` re-reads
/// certificates and tokens without dropping connections.
public final class DealServer: Service, Sendable {
    /// What the server listens on and how it treats connections.
    public struct Configuration: Sendable {
        /// `host` and `port` to bind; port 0 picks a free port (see ``DealServer/boundAddress``).
        public var host: String
        public var port: Int
        public var tls: DealTLSConfiguration
        public var limits: DealConnectionLimits
        /// Connections beyond this are closed as they are accepted, before the TLS handshake.
        public var maximumConnections: Int
        /// Connections from one IP address beyond this are closed as they are accepted, before the TLS handshake.
        public var maximumConnectionsPerAddress: Int
        /// The tokens file (hashes only); `nil` accepts no bearer tokens.
        public var tokensFile: String?
        /// Client-certificate names (`cn:`, `dns:`, `uri:`, `sha256:`) mapped to roles.
        public var certificateRoles: [String: DealRole]
        /// Methods callable without credentials, e.g. `/dealstore.v1.Health/Check`.
        public var anonymousMethods: Set<String>
        /// Reported in HELLO and Server/GetInfo.
        public var serverVersion: String
        /// Most request messages one ImportDeals call may carry (`limits.max_import_records`).
        public var maximumImportRecords: Int
        /// Most bytes of request messages one ImportDeals call may carry (`limits.max_import_bytes`).
        public var maximumImportBytes: Int

        /// Creates a configuration with the default limits.
        public init(host: String, port: Int, tls: DealTLSConfiguration) {
            self.host = host
            self.port = port
            self.tls = tls
            self.limits = DealConnectionLimits()
            self.maximumConnections = 1024
            self.maximumConnectionsPerAddress = 256
            self.tokensFile = nil
            self.certificateRoles = [:]
            self.anonymousMethods = []
            self.serverVersion = "0.1.0"
            self.maximumImportRecords = 1_000_000
            self.maximumImportBytes = 256 << 20
        }
    }

    public let configuration: Configuration
    private let store: DealStore
    private let tlsContext: DealTLSContext
    private let authorizer: DealAuthorizer
    private let runner = DealServerTaskRunner()
    private let observer = DealServerConnectionObserver()
    /// The memory budget every connection draws on (limits in ``DealConnectionLimits``).
    private let budget: DealServerBudget
    private let router: DealServerRouter
    private let group: any EventLoopGroup
    private let logger: Logger
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let bound: AsyncStream<SocketAddress>
    private let boundContinuation: AsyncStream<SocketAddress>.Continuation

    /// Prepares the server: loads TLS material and tokens, so configuration errors surface before binding.
    public init(
        configuration: Configuration,
        store: DealStore,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.store = store
        self.group = eventLoopGroup
        self.logger = logger
        self.budget = DealServerBudget(limits: configuration.limits)
        do {
            self.tlsContext = try DealTLSContext(configuration: configuration.tls)
        } catch {
            throw DealServerError(code: .tlsSetupFailed, message: error.message, cause: error)
        }
        let tokens = try configuration.tokensFile.map { path throws(DealServerError) in
            try DealTokensFile.load(path: path)
        }
        self.authorizer = DealAuthorizer(
            tokens: tokens ?? [],
            certificateRoles: configuration.certificateRoles,
            anonymousMethods: configuration.anonymousMethods
        )
        self.router = DealServerRouter(
            store: store,
            authorizer: self.authorizer,
            runner: self.runner,
            serverVersion: configuration.serverVersion,
            tlsLibraryVersion: DealTLSLibrary.versionString,
            maximumImportRecords: configuration.maximumImportRecords,
            maximumImportBytes: configuration.maximumImportBytes,
            eventLoops: Array(eventLoopGroup.makeIterator())
        )
        (self.bound, self.boundContinuation) = AsyncStream.makeStream(of: SocketAddress.self)
    }

    /// The address the listener bound, once it has; with port 0 this tells the port picked.
    public var boundAddress: SocketAddress? {
        get async {
            for await address in self.bound {
                return address
            }
            return nil
        }
    }

    /// Connections currently open.
    public var connectionCount: Int {
        self.observer.connectionCount
    }

    /// Calls currently in progress, across all connections.
    public var activeCallCount: Int {
        self.observer.callCount
    }

    /// How many times, since the server started, a connection paused its streaming calls because the client read
    /// slower than they wrote (its unwritten output reached the high-water mark); also the
    /// `dealstore_stream_pauses_total` metric. Tests wait for it instead of sleeping.
    public var streamPauseCount: Int {
        self.observer.streamPauseCount
    }

    /// Re-reads the tokens file and the certificate and key files; established connections keep their TLS session.
    ///
    /// Each part is applied on its own, tokens first: revoking a token is a security action, so it takes effect
    /// (ending the open watches it authorized) even when the new certificates cannot be loaded, and the old
    /// certificates stay in use then. The error thrown afterwards names every part that failed and kept its
    /// previous state.
    public func reload() throws {
        var applied: [String] = []
        var failures: [String] = []
        var cause: (any Error)?
        var ended = 0
        if let path = self.configuration.tokensFile {
            do throws(DealServerError) {
                ended = self.authorizer.reload(
                    tokens: try DealTokensFile.load(path: path),
                    certificateRoles: self.configuration.certificateRoles
                )
                applied.append("tokens")
            } catch {
                failures.append("tokens not reloaded, the previous tokens stay valid: \(error.message)")
                cause = error
            }
        }
        do throws(DealTLSError) {
            try self.tlsContext.reload()
            applied.append("certificates")
        } catch {
            failures.append("certificates not reloaded, the previous ones stay in use: \(error.message)")
            cause = cause ?? error
        }
        let metadata: Logger.Metadata = ["revoked_calls_ended": "\(ended)"]
        guard !failures.isEmpty else {
            self.logger.notice("reloaded certificates and tokens", metadata: metadata)
            return
        }
        if !applied.isEmpty {
            self.logger.notice("reloaded \(applied.joined(separator: " and ")) only", metadata: metadata)
        }
        throw DealServerError(
            code: cause is DealTLSError ? .tlsSetupFailed : .invalidConfiguration,
            message: "reload failed in part: " + failures.joined(separator: "; ")
                + "; fix the file and send SIGHUP again",
            cause: cause
        )
    }

    /// Binds, serves until a graceful shutdown or cancellation, then drains and returns.
    public func run() async throws {
        defer { self.boundContinuation.finish() }
        let channel = try await self.bind()
        if let address = channel.localAddress {
            self.boundContinuation.yield(address)
        }
        self.boundContinuation.finish()
        self.logger.notice(
            "listening",
            metadata: [
                "address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "tls": "\(DealTLSLibrary.versionString)",
            ]
        )
        await withDiscardingTaskGroup { group in
            group.addTask {
                await self.runner.run()
            }
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                self.logger.notice("shutting down: closing the listener and draining connections")
                channel.close(promise: nil)
            }
            await self.drainConnections()
            self.runner.finish()
        }
    }

    private func bind() async throws -> any Channel {
        let limits = self.configuration.limits
        let router = self.router
        let observer = self.observer
        let tlsContext = self.tlsContext
        let logger = self.logger
        let agent = "dealsd/\(self.configuration.serverVersion)"
        let maximumConnections = self.configuration.maximumConnections
        let maximumPerAddress = self.configuration.maximumConnectionsPerAddress
        let perAddress = DealConnectionsPerAddress(limit: maximumPerAddress)
        let budget = self.budget
        let bootstrap = ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                // Over the limit the socket is closed as it is accepted: no TLS handshake, no descriptor held
                // until a first frame. The client sees the connection closed (PROTOCOL.md section 12).
                guard observer.tryOpenConnection(limit: maximumConnections) else {
                    // Debug, not warning: a flood of connections must not become a flood of log lines; the
                    // dealstore_connections_refused_total counter counts them.
                    logger.debug(
                        "refusing connection: too many connections",
                        metadata: [
                            "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "unknown")",
                            "limit": "\(maximumConnections)", "setting": "limits.max_connections",
                        ]
                    )
                    return channel.close()
                }
                let address = channel.remoteAddress?.ipAddress
                guard perAddress.tryOpen(address) else {
                    observer.connectionClosed()
                    observer.connectionRefused()
                    logger.debug(
                        "refusing connection: too many connections from its address",
                        metadata: [
                            "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "unknown")",
                            "limit": "\(maximumPerAddress)", "setting": "limits.max_connections_per_address",
                        ]
                    )
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in
                    perAddress.closed(address)
                    observer.connectionClosed()
                }
                return channel.eventLoop.makeCompletedFuture {
                    let handler = DealServerConnectionHandler(
                        limits: limits,
                        agent: agent,
                        router: router,
                        observer: observer,
                        budget: budget,
                        logger: logger
                    )
                    try channel.pipeline.syncOperations.addHandler(try tlsContext.makeHandler())
                    try channel.pipeline.syncOperations.addHandler(handler)
                    self.track(channel)
                }
            }
        do {
            return try await bootstrap.bind(host: self.configuration.host, port: self.configuration.port).get()
        } catch {
            throw DealServerError(
                code: .bindFailed,
                message: "cannot listen on \(self.configuration.host):\(self.configuration.port): \(error); "
                    + "is another dealsd running? choose another address with --listen",
                cause: error
            )
        }
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        self.channels.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in
            self.channels.withLock { _ = $0.removeValue(forKey: id) }
        }
    }

    /// GOAWAY on every connection, then wait (bounded by the grace period) for them to close.
    private func drainConnections() async {
        let open = self.channels.withLock { Array($0.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(DealServerShutdownEvent())
        }
        for channel in open {
            try? await channel.closeFuture.get()
        }
    }
}
