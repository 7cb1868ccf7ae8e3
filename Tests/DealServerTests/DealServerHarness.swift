import DealClient
import DealProtocol
import DealServer
import DealStore
import DealTLS
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// An in-process dealsd on a loopback port with real TLS, a temporary data directory and generated certificates.
struct DealServerHarness {
    let directory: String
    let caFile: String
    let port: Int
    let adminToken: String
    let readToken: String
    let writeToken: String
    /// Starts the server's graceful shutdown (as SIGTERM would).
    let shutdown: @Sendable () async -> Void

    func clientConfiguration(token: String?) -> DealClientConfiguration {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: self.port)
        configuration.trustRootsFile = self.caFile
        configuration.token = token
        configuration.waitForConnectionTimeout = .seconds(10)
        return configuration
    }

    /// Starts a server, runs `body`, then shuts the server down gracefully.
    static func with<Result: Sendable>(
        limits: DealConnectionLimits = DealConnectionLimits(),
        directory explicitDirectory: String? = nil,
        configure: (inout DealServer.Configuration) -> Void = { _ in },
        _ body: (DealServerHarness, DealServer) async throws -> Result
    ) async throws -> Result {
        let directory =
            explicitDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("dealserver-test-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            if explicitDirectory == nil {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        let files = try DealDevelopmentCA.create(in: directory)
        let tokens = (
            admin: DealTokensFile.generateToken(), read: DealTokensFile.generateToken(),
            write: DealTokensFile.generateToken()
        )
        let tokensFile = directory + "/tokens"
        try [
            DealTokensFile.line(for: tokens.admin, role: .admin, name: "admin"),
            DealTokensFile.line(for: tokens.read, role: .read, name: "reader"),
            DealTokensFile.line(for: tokens.write, role: .write, name: "writer"),
        ].joined(separator: "\n").write(toFile: tokensFile, atomically: true, encoding: .utf8)

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let store = try await DealStore.open(directory: directory + "/store", logger: logger)
        var configuration = DealServer.Configuration(
            host: "127.0.0.1",
            port: 0,
            tls: .server(certificateChainFile: files.serverCertificateFile, privateKeyFile: files.serverPrivateKeyFile)
        )
        configuration.tokensFile = tokensFile
        configuration.limits = limits
        configuration.anonymousMethods = ["/dealstore.v1.Health/Check"]
        configure(&configuration)
        if configuration.tls.clientCertificatePolicy != .none && configuration.tls.clientTrustRootsFile == nil {
            configuration.tls.clientTrustRootsFile = files.caCertificateFile
        }
        let server = try DealServer(configuration: configuration, store: store, logger: logger)
        let group = ServiceGroup(services: [server], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            guard let port = await server.boundAddress?.port else {
                throw DealRPCError(code: .internal, message: "server did not bind")
            }
            let harness = DealServerHarness(
                directory: directory,
                caFile: files.caCertificateFile,
                port: port,
                adminToken: tokens.admin,
                readToken: tokens.read,
                writeToken: tokens.write,
                shutdown: { await group.triggerGracefulShutdown() }
            )
            do {
                let result = try await body(harness, server)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                try await store.close()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                try? await store.close()
                throw error
            }
        }
    }
}
