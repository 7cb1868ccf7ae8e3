import DealProtocol
import DealStore
import DealTLS
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
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
        /// Connections beyond this are refused with GOAWAY RESOURCE_EXHAUSTED.
        public var maximumConnections: Int
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

    /// Re-reads the certificate, key and tokens files; established connections are not touched.
    public func reload() throws {
        do {
            try self.tlsContext.reload()
        } catch {
            throw DealServerError(code: .tlsSetupFailed, message: error.message, cause: error)
        }
        if let path = self.configuration.tokensFile {
            self.authorizer.reload(
                tokens: try DealTokensFile.load(path: path),
                certificateRoles: self.configuration.certificateRoles
            )
        }
        self.logger.notice("reloaded certificates and tokens")
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
        let bootstrap = ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = DealServerConnectionHandler(
                        limits: limits,
                        agent: agent,
                        router: router,
                        observer: observer,
                        logger: logger,
                        refusal: observer.connectionCount >= maximumConnections
                            ? "too many connections: the server's limit is \(maximumConnections)" : nil
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
