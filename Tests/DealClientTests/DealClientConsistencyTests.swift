import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation
import Synchronization
import Testing

/// PROTOCOL.md "Consistency" from the client's side: the `revision` of every answer, tracked and sent back as
/// `min-revision`, and a real dealsd waiting for it.
@Suite("DealClient and revisions: every answer's revision, min-revision sent and honoured")
struct DealClientConsistencyTests {
    static func organization(_ name: String) -> DealOrganization {
        var organization = DealOrganization()
        organization.name = name
        organization.kind = .company
        return organization
    }

    /// A scripted server answering every call with ServerInfo and TRAILERS whose `revision` is the next of
    /// `revisions` (the last repeats).
    static func scriptedServer(revisions: [UInt64]) async throws -> DealScriptedServer {
        let calls = Counter()
        return try await DealScriptedServer.start { _, frame in
            switch frame.kind {
            case .hello:
                return .init(frames: [DealScriptedServer.hello()])
            case .message:
                let index = min(calls.next(), revisions.count - 1)
                var trailers = Dealstore_V1_Trailers()
                trailers.metadata = [
                    DealMetadataEntry(key: DealProtocolVersion.revisionMetadataKey, text: "\(revisions[index])").wire
                ]
                return .init(frames: [
                    try! DealFrame(kind: .message, streamID: frame.streamID, message: Dealstore_V1_ServerInfo()),
                    try! DealFrame(kind: .trailers, flags: .endStream, streamID: frame.streamID, message: trailers),
                ])
            default:
                return .init()
            }
        }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int {
            self.value.withLock { value in
                defer { value += 1 }
                return value
            }
        }
    }

    /// The `min-revision` each call sent (nil: none), in order.
    static func sentMinimumRevisions(_ server: DealScriptedServer) throws -> [String?] {
        try server.frames(ofKind: .headers).map { entry in
            let headers = try entry.frame.decodePayload(as: Dealstore_V1_CallHeaders.self)
            return headers.metadata.first { $0.key == DealProtocolVersion.minimumRevisionMetadataKey }
                .map { String(decoding: $0.value, as: UTF8.self) }
        }
    }

    static func configuration(_ server: DealScriptedServer) -> DealClientConfiguration {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: server.port)
        configuration.trustRootsFile = server.caFile
        return configuration
    }

    @Test("the client sends the highest revision it has seen as min-revision, never a lower one")
    func sendsHighestSeen() async throws {
        let server = try await Self.scriptedServer(revisions: [7, 5, 9])
        defer { server.stop() }
        let seen = try await withDealClient(configuration: Self.configuration(server)) { client in
            for _ in 0..<4 { _ = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()) }
            return client.highestSeenRevision
        }
        #expect(seen == 9)
        #expect(try Self.sentMinimumRevisions(server) == [nil, "7", "7", "9"])
    }

    @Test("with sendsMinimumRevision off no min-revision is sent, but a call's own minimumRevision is")
    func trackingOff() async throws {
        let server = try await Self.scriptedServer(revisions: [7])
        defer { server.stop() }
        var configuration = Self.configuration(server)
        configuration.sendsMinimumRevision = false
        try await withDealClient(configuration: configuration) { client in
            _ = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            _ = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            _ = try await client.unary(
                .getServerInfo,
                request: Dealstore_V1_GetServerInfoRequest(),
                responseType: Dealstore_V1_ServerInfo.self,
                options: DealCallOptions(minimumRevision: 3)
            )
        }
        #expect(try Self.sentMinimumRevisions(server) == [nil, nil, "3"])
    }

    @Test("two clients sharing a tracker: the second sends what the first saw")
    func sharedTracker() async throws {
        let first = try await Self.scriptedServer(revisions: [12])
        let second = try await Self.scriptedServer(revisions: [12])
        defer {
            first.stop()
            second.stop()
        }
        let tracker = DealRevisionTracker()
        var configuration = Self.configuration(first)
        configuration.revisionTracker = tracker
        try await withDealClient(configuration: configuration) { client in
            _ = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
        }
        configuration = Self.configuration(second)
        configuration.revisionTracker = tracker
        try await withDealClient(configuration: configuration) { client in
            _ = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
        }
        #expect(try Self.sentMinimumRevisions(second) == ["12"])
    }

    @Test("a real dealsd: the trailer carries the write's revision for writes and the read's for reads")
    func trailersOfRealServer() async throws {
        let daemon = try DealDaemonProcess.start(dataDirectory: try DealDaemonProcess.makeDataDirectory())
        defer { daemon.remove() }
        let configuration = try DealClientConfiguration.resolve(environment: daemon.environment)
        try await withDealClient(configuration: configuration) { writer in
            let created = try await writer.createOrganization(Self.organization("Revision Labs"))
            #expect(writer.highestSeenRevision == created.meta.updateRevision)
            var request = Dealstore_V1_DeleteOrganizationRequest()
            request.id = created.id
            let deleted = try await writer.unary(
                .deleteOrganization,
                request: request,
                responseType: Dealstore_V1_DeleteOrganizationResponse.self
            )
            #expect(writer.highestSeenRevision == deleted.revision)
            #expect(deleted.revision > created.meta.updateRevision)
        }
        // A client that has seen nothing: its one read's trailer is the revision the read was served at.
        try await withDealClient(configuration: configuration) { reader in
            #expect(reader.highestSeenRevision == 0)
            let info = try await reader.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            #expect(reader.highestSeenRevision == info.storeRevision)
            #expect(info.storeRevision > 0)
        }
    }

    @Test("a real dealsd: a read whose min-revision is ahead completes once a concurrent write reaches it")
    func waitsForConcurrentWrite() async throws {
        let daemon = try DealDaemonProcess.start(dataDirectory: try DealDaemonProcess.makeDataDirectory())
        defer { daemon.remove() }
        let configuration = try DealClientConfiguration.resolve(environment: daemon.environment)
        try await withDealClient(configuration: configuration) { client in
            let current = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
            try await withDeadline(.seconds(20), "the waiting read") {
                try await withThrowingTaskGroup(of: UInt64.self) { group in
                    let (started, signal) = AsyncStream.makeStream(of: Void.self)
                    group.addTask {
                        signal.yield()
                        // Without the wait this would answer at once, at `current`.
                        return try await client.unary(
                            .getServerInfo,
                            request: Dealstore_V1_GetServerInfoRequest(),
                            responseType: Dealstore_V1_ServerInfo.self,
                            options: DealCallOptions(timeout: .seconds(15), minimumRevision: current + 1)
                        ).storeRevision
                    }
                    // The read is on its way; a round trip on the same connection lets it reach the server first,
                    // so the write below is what it waits for.
                    for await _ in started { break }
                    _ = try await client.unary(
                        .getServerInfo,
                        request: Dealstore_V1_GetServerInfoRequest(),
                        responseType: Dealstore_V1_ServerInfo.self,
                        options: DealCallOptions(minimumRevision: current)
                    )
                    let created = try await client.createOrganization(Self.organization("Awaited Labs"))
                    let read = try #require(try await group.next())
                    #expect(read >= current + 1)
                    #expect(created.meta.updateRevision == current + 1)
                }
            }
        }
    }

    @Test("a real dealsd: a min-revision it does not reach is UNAVAILABLE before the deadline, naming both revisions")
    func unavailableAfterDeadline() async throws {
        let daemon = try DealDaemonProcess.start(dataDirectory: try DealDaemonProcess.makeDataDirectory())
        defer { daemon.remove() }
        let configuration = try DealClientConfiguration.resolve(environment: daemon.environment)
        try await withDealClient(configuration: configuration) { client in
            let current = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
            let wanted = current + 1_000
            let error = await #expect(throws: DealRPCError.self) {
                _ = try await client.unary(
                    .getServerInfo,
                    request: Dealstore_V1_GetServerInfoRequest(),
                    responseType: Dealstore_V1_ServerInfo.self,
                    options: DealCallOptions(timeout: .milliseconds(800), minimumRevision: wanted)
                )
            }
            #expect(error?.code == .unavailable, "\(String(describing: error))")
            #expect(error?.message.contains("revision \(current)") == true)
            #expect(error?.message.contains("min-revision \(wanted)") == true)
            #expect(error?.metadata.firstText(forKey: DealProtocolVersion.revisionMetadataKey) == "\(current)")
            // The node is fine: a call without the impossible revision is answered.
            let info = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
            #expect(info.storeRevision == current)
        }
    }
}
