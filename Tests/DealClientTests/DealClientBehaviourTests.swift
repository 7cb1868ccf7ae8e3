import DealClient
import DealModel
import DealProtocol
import Foundation
import NIOCore
import Testing

@Suite("DealClient against a scripted server over real TLS")
struct DealClientBehaviourTests {
    static func configuration(_ server: DealScriptedServer) -> DealClientConfiguration {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: server.port)
        configuration.trustRootsFile = server.caFile
        configuration.waitForConnectionTimeout = .seconds(3)
        configuration.reconnectInitialBackoff = .milliseconds(20)
        return configuration
    }

    static func info(_ revision: UInt64) -> Dealstore_V1_ServerInfo {
        var info = Dealstore_V1_ServerInfo()
        info.storeRevision = revision
        return info
    }

    @Test("a call the GOAWAY says was not processed is retried on a new connection")
    func retryUnprocessed() async throws {
        let server = try await DealScriptedServer.start { connection, frame in
            switch (connection, frame.kind) {
            case (_, .hello): return .init(frames: [DealScriptedServer.hello()])
            case (1, .message): return .init(frames: [DealScriptedServer.goAway(lastStreamID: 0)])
            case (_, .message): return .init(frames: DealScriptedServer.ok(frame.streamID, response: Self.info(42)))
            default: return .init()
            }
        }
        defer { server.stop() }
        let info = try await withDealClient(configuration: Self.configuration(server)) { client in
            try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
        }
        #expect(info.storeRevision == 42)
        let headers = server.frames(ofKind: .headers)
        #expect(headers.map(\.connection) == [1, 2])
    }

    @Test("a call at or below the GOAWAY's last stream is not retried; its connection loss is reported")
    func noRetryProcessed() async throws {
        let server = try await DealScriptedServer.start { connection, frame in
            switch (connection, frame.kind) {
            case (_, .hello): return .init(frames: [DealScriptedServer.hello()])
            case (1, .message): return .init(frames: [DealScriptedServer.goAway(lastStreamID: 1)], close: true)
            case (_, .message): return .init(frames: DealScriptedServer.ok(frame.streamID, response: Self.info(1)))
            default: return .init()
            }
        }
        defer { server.stop() }
        let error = await #expect(throws: DealRPCError.self) {
            try await withDealClient(configuration: Self.configuration(server)) { client in
                _ = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            }
        }
        #expect(error?.code == .unavailable)
        #expect(server.frames(ofKind: .headers).count == 1)
    }

    @Test("after a dropped connection the next call reconnects")
    func reconnect() async throws {
        let server = try await DealScriptedServer.start { connection, frame in
            switch (connection, frame.kind) {
            case (_, .hello): return .init(frames: [DealScriptedServer.hello()])
            case (_, .message):
                return .init(
                    frames: DealScriptedServer.ok(frame.streamID, response: Self.info(UInt64(connection))),
                    close: true
                )
            default: return .init()
            }
        }
        defer { server.stop() }
        let revisions = try await withDealClient(configuration: Self.configuration(server)) { client in
            var revisions: [UInt64] = []
            for _ in 0..<3 {
                revisions.append(try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision)
                try await Task.sleep(for: .milliseconds(50))
            }
            return revisions
        }
        #expect(revisions == [1, 2, 3])
    }

    @Test("cancelling the calling task sends CANCEL and ends the call with CANCELLED")
    func cancellationSendsCancel() async throws {
        let server = try await DealScriptedServer.start { _, frame in
            frame.kind == .hello ? .init(frames: [DealScriptedServer.hello()]) : .init()
        }
        defer { server.stop() }
        try await withDealClient(configuration: Self.configuration(server)) { client in
            let outcome = try await withThrowingTaskGroup(of: DealStatusCode?.self) { group in
                group.addTask {
                    do {
                        _ = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
                        return .ok
                    } catch let error as DealRPCError {
                        return error.code
                    }
                }
                while server.frames(ofKind: .message).isEmpty {
                    try await Task.sleep(for: .milliseconds(10))
                }
                group.cancelAll()
                return try await group.next() ?? nil
            }
            #expect(outcome == .cancelled)
            let deadline = ContinuousClock.now + .seconds(5)
            while server.frames(ofKind: .cancel).isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.frames(ofKind: .cancel).count == 1)
        }
    }

    @Test("a call with a timeout sends timeout_micros and fails with DEADLINE_EXCEEDED when the server is silent")
    func deadline() async throws {
        let server = try await DealScriptedServer.start { _, frame in
            frame.kind == .hello ? .init(frames: [DealScriptedServer.hello()]) : .init()
        }
        defer { server.stop() }
        let error = await #expect(throws: DealRPCError.self) {
            try await withDealClient(configuration: Self.configuration(server)) { client in
                _ = try await client.getServerInfo(
                    Dealstore_V1_GetServerInfoRequest(),
                    options: DealCallOptions(timeout: .milliseconds(200))
                )
            }
        }
        #expect(error?.code == .deadlineExceeded)
        let headers = try #require(server.frames(ofKind: .headers).first)
        let decoded: Dealstore_V1_CallHeaders = try headers.frame.decodePayload()
        #expect(decoded.timeoutMicros == 200_000)
    }

    @Test("a server that is not there is UNAVAILABLE with the address in the message")
    func unavailable() async throws {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: 1)
        configuration.waitForConnectionTimeout = .milliseconds(300)
        let error = await #expect(throws: DealRPCError.self) {
            try await withDealClient(configuration: configuration) { client in
                _ = try await client.healthCheck(Dealstore_V1_HealthCheckRequest())
            }
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("127.0.0.1:1") == true)
    }

    @Test("a server certificate from an unknown CA fails with a message naming the CA file used")
    func wrongCA() async throws {
        let server = try await DealScriptedServer.start { _, frame in
            frame.kind == .hello ? .init(frames: [DealScriptedServer.hello()]) : .init()
        }
        defer { server.stop() }
        let other = try await DealScriptedServer.start { _, _ in .init() }
        defer { other.stop() }
        var configuration = Self.configuration(server)
        configuration.trustRootsFile = other.caFile
        configuration.waitForConnectionTimeout = .milliseconds(300)
        let error = await #expect(throws: DealRPCError.self) {
            try await withDealClient(configuration: configuration) { client in
                _ = try await client.healthCheck(Dealstore_V1_HealthCheckRequest())
            }
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains(other.caFile) == true, "\(error?.message ?? "")")
    }

    @Test("a client-streaming call the server refuses while requests are still being sent reports the server's status")
    func clientStreamingRefused() async throws {
        let server = try await DealScriptedServer.start { _, frame in
            switch frame.kind {
            case .hello: return .init(frames: [DealScriptedServer.hello()])
            case .headers:
                var trailers = Dealstore_V1_Trailers()
                trailers.code = DealStatusCode.permissionDenied.rawValue
                trailers.message = "needs the write role"
                return .init(frames: [
                    try! DealFrame(kind: .trailers, flags: .endStream, streamID: frame.streamID, message: trailers)
                ])
            default: return .init()
            }
        }
        defer { server.stop() }
        let error = await #expect(throws: DealRPCError.self) {
            try await withDealClient(configuration: Self.configuration(server)) { client in
                let records = AsyncStream<Dealstore_V1_DealRecord> { continuation in
                    for i in 0..<2000 {
                        var record = Dealstore_V1_DealRecord()
                        record.organization.id = "org-\(i)"
                        record.organization.name = String(repeating: "x", count: 4000)
                        continuation.yield(record)
                    }
                    continuation.finish()
                }
                _ = try await client.importDeals(records)
            }
        }
        #expect(error?.code == .permissionDenied, "\(String(describing: error))")
        #expect(error?.message == "needs the write role")
    }
}
