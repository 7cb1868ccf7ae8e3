import DealModel
import DealProtocol
import DealServer
import DealStore
import DealTLS
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import SwiftProtobuf
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Drives the whole service (connection handling, router, a real store in a temporary directory) with one call
/// per input, over TLS on loopback, and checks that every call ends with TRAILERS carrying a gRPC status before
/// its deadline plus a margin, and that the server never closes the connection on a well-framed call. A trap in
/// the server is a crash of this process, which libFuzzer reports with the input.
///
/// Input: byte 0 picks the method (`DealMethod.all`, one more value for an unknown path), byte 1 the caller
/// (bits 0-1: admin, admin, read role, anonymous) and, for ImportDeals, the number of request messages (bits 2-5,
/// plus one; the rest of the input is split evenly between them); the rest is the request message as sent.
final class DealServiceFuzzer: Sendable {
    private let channel: any Channel
    private let responses: Responses
    private let nextStreamID = Atomic<UInt32>(1)
    private let tokens: (admin: String, reader: String)

    private init(channel: any Channel, responses: Responses, tokens: (admin: String, reader: String)) {
        self.channel = channel
        self.responses = responses
        self.tokens = tokens
    }

    /// What arrived for the call in progress: one call runs at a time.
    final class Responses: Sendable {
        struct State {
            var streamID: UInt32 = 0
            var trailers: Dealstore_V1_Trailers?
            var closed: String?
        }

        let state = Mutex(State())
        let arrived = DispatchSemaphore(value: 0)
    }

    /// Reads the server's frames and reports the current call's TRAILERS, or the connection's end.
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = DealFrame
        let responses: Responses

        init(responses: Responses) {
            self.responses = responses
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = Self.unwrapInboundIn(data)
            switch frame.kind {
            case .trailers:
                let trailers = try? frame.decodePayload(as: Dealstore_V1_Trailers.self)
                let current = self.responses.state.withLock { state in
                    guard state.streamID == frame.streamID else { return false }
                    state.trailers = trailers ?? Dealstore_V1_Trailers.with { $0.code = -1 }
                    return true
                }
                if current { self.responses.arrived.signal() }
            case .goAway:
                let goAway = try? frame.decodePayload(as: Dealstore_V1_GoAway.self)
                self.close("GOAWAY \(goAway.map { "\($0.code) \($0.reason)" } ?? "undecodable")")
            default:
                break
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.close("the connection closed")
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.close("connection error: \(error)")
            context.close(promise: nil)
        }

        private func close(_ reason: String) {
            self.responses.state.withLock { state in
                if state.closed == nil { state.closed = reason }
            }
            self.responses.arrived.signal()
        }
    }

    /// Opens a store (seeded, no fsync) and a server in a new temporary directory with generated certificates
    /// and tokens, and connects to it.
    static func start() async throws -> DealServiceFuzzer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealservice-fuzz-\(getpid())")
            .path
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = try DealDevelopmentCA.create(in: directory)
        let tokens = (admin: DealTokensFile.generateToken(), reader: DealTokensFile.generateToken())
        try [
            DealTokensFile.line(for: tokens.admin, role: .admin, name: "fuzz-admin"),
            DealTokensFile.line(for: tokens.reader, role: .read, name: "fuzz-reader"),
        ].joined(separator: "\n").write(toFile: directory + "/tokens", atomically: true, encoding: .utf8)
        var logger = Logger(label: "dealservice-fuzz")
        logger.logLevel = .critical
        let store = try await DealStore.open(
            directory: directory + "/store",
            options: DealStoreOptions(fsyncPolicy: .none),
            logger: logger
        )
        var configuration = DealServer.Configuration(
            host: "127.0.0.1",
            port: 0,
            tls: .server(certificateChainFile: files.serverCertificateFile, privateKeyFile: files.serverPrivateKeyFile)
        )
        configuration.tokensFile = directory + "/tokens"
        configuration.anonymousMethods = [DealMethod.healthCheck.path, DealMethod.getServerInfo.path]
        let server = try DealServer(configuration: configuration, store: store, logger: logger)
        Task {
            try await server.run()
        }
        guard let port = await server.boundAddress?.port else {
            fatalError("the server did not bind")
        }
        let responses = Responses()
        let tls = try DealTLSContext(configuration: .client(trustRootsFile: files.caCertificateFile))
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try tls.makeHandler(serverHostname: "localhost"))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DealFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Collector(responses: responses))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        var hello = Dealstore_V1_Hello()
        hello.minVersion = 1
        hello.maxVersion = 1
        hello.agent = "dealservice-fuzz"
        var buffer = ByteBuffer()
        try DealFrame(kind: .hello, streamID: 0, message: hello).write(to: &buffer)
        try await channel.writeAndFlush(buffer)
        return DealServiceFuzzer(channel: channel, responses: responses, tokens: tokens)
    }

    /// Makes the call `bytes` describes and checks that it ends with a status.
    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= 2 else { return }
        let methods = DealMethod.all
        let selector = Int(bytes[0]) % (methods.count + 1)
        let method = selector < methods.count ? methods[selector] : nil
        let path = method?.path ?? "/dealstore.v1.Deals/Fuzz"
        let request = Array(bytes[2...])
        var messages = [request]
        if method == .importDeals {
            let count = Int(bytes[1] >> 2 & 0x0F) + 1
            let size = (request.count + count - 1) / max(count, 1)
            messages =
                size == 0
                ? []
                : stride(from: 0, to: request.count, by: size).map {
                    Array(request[$0..<min($0 + size, request.count)])
                }
        }
        // Calls that never end by themselves get a short deadline; the others one no answer should come near.
        let streaming = method == .watchDeals || method == .healthWatch
        let timeoutMicros: UInt64 = streaming ? 5_000 : 10_000_000
        var headers = Dealstore_V1_CallHeaders()
        headers.method = path
        headers.timeoutMicros = timeoutMicros
        let token: String? =
            switch bytes[1] & 0x03 {
            case 0, 1: self.tokens.admin
            case 2: self.tokens.reader
            default: nil
            }
        if let token {
            var entry = Dealstore_V1_MetadataEntry()
            entry.key = "authorization"
            entry.value = Data("Bearer \(token)".utf8)
            headers.metadata.append(entry)
        }
        let streamID = self.nextStreamID.wrappingAdd(2, ordering: .relaxed).oldValue
        self.responses.state.withLock { $0 = Responses.State(streamID: streamID) }
        var buffer = ByteBuffer()
        do {
            try DealFrame(
                kind: .headers,
                flags: messages.isEmpty ? .endStream : [],
                streamID: streamID,
                message: headers
            )
            .write(to: &buffer)
        } catch {
            fatalError("cannot encode CallHeaders: \(error)")
        }
        for (index, message) in messages.enumerated() {
            DealFrame(
                kind: .message,
                flags: index == messages.count - 1 ? .endStream : [],
                streamID: streamID,
                payload: ByteBuffer(bytes: message)
            ).write(to: &buffer)
        }
        self.channel.writeAndFlush(buffer, promise: nil)
        let limit = DispatchTime.now() + .microseconds(Int(timeoutMicros)) + .seconds(30)
        while true {
            if self.responses.arrived.wait(timeout: limit) == .timedOut {
                fatalError("\(path): no TRAILERS within the call's deadline and 30 s more")
            }
            let state = self.responses.state.withLock { $0 }
            if let closed = state.closed {
                fatalError("\(path): the server ended the connection on a well-framed call: \(closed)")
            }
            if let trailers = state.trailers {
                guard (0...16).contains(trailers.code) else {
                    fatalError("\(path): TRAILERS without a gRPC status: \(trailers)")
                }
                return
            }
        }
    }
}
