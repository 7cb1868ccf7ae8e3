import DealClient
import DealModel
import DealProtocol
import DealServer
import DealTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Limits and protection")
struct DealServerLimitTests {
    static func headers(_ method: DealMethod, token: String) -> Dealstore_V1_CallHeaders {
        var headers = Dealstore_V1_CallHeaders()
        headers.method = method.path
        var entry = Dealstore_V1_MetadataEntry()
        entry.key = "authorization"
        entry.value = Data("Bearer \(token)".utf8)
        headers.metadata = [entry]
        return headers
    }

    static func call(_ id: UInt32, _ method: DealMethod, token: String) throws -> [DealFrame] {
        [
            try DealFrame(kind: .headers, streamID: id, message: Self.headers(method, token: token)),
            DealFrame(kind: .message, flags: .endStream, streamID: id),
        ]
    }

    static func goAwayCode(_ raw: DealRawConnection) throws -> DealStatusCode? {
        try raw.goAway().map { DealStatusCode(rawValue: $0.code) }
    }

    @Test("a frame over the announced maximum gets GOAWAY RESOURCE_EXHAUSTED before its payload is sent")
    func frameTooLarge() async throws {
        try await DealServerHarness.with { harness, _ in
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            try await raw.sendHello()
            var header = ByteBuffer()
            header.writeInteger(UInt32(8 + DealFrame.defaultMaximumPayloadSize + 1))
            header.writeBytes([0x03, 0, 0, 0, 0, 0, 0, 1])
            try await raw.send(Array(header.readableBytesView))
            #expect(await raw.waitForClose())
            #expect(try Self.goAwayCode(raw) == .resourceExhausted)
        }
    }

    @Test("connections over the limit are closed at accept, before TLS; the ones inside keep working")
    func connectionLimit() async throws {
        let oneConnection: (inout DealServer.Configuration) -> Void = { $0.maximumConnections = 1 }
        try await DealServerHarness.with(configure: oneConnection) { harness, server in
            let first = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            defer { first.close() }
            try await first.sendHello()
            _ = try await first.waitForFrames(1)
            let second = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            try? await second.sendHello()
            #expect(await second.waitForClose())
            #expect(try second.frames().isEmpty, "no TLS session, so no frame, for a connection over the limit")
            #expect(server.connectionCount == 1)
            try await first.send(try Self.call(1, .getServerInfo, token: harness.readToken))
            let frames = try await first.waitForFrames(3)
            #expect(frames.contains { $0.kind == .trailers && $0.streamID == 1 })
        }
    }

    @Test("one address cannot hold every slot: its connections over the per-address limit are closed at accept")
    func perAddressLimit() async throws {
        let configure: (inout DealServer.Configuration) -> Void = {
            $0.maximumConnections = 100
            $0.maximumConnectionsPerAddress = 2
        }
        try await DealServerHarness.with(configure: configure) { harness, server in
            // Bare TCP connections that never start TLS, as a slot-exhaustion attack opens them.
            let idle = [
                try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile, tls: false),
                try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile, tls: false),
            ]
            defer { for connection in idle { connection.close() } }
            // The client's connect returns once the kernel has the connection; the server counts it when its event
            // loop accepts it, and two loops may do so in either order. Count both before the third arrives.
            try await DealWait.until("the server counting both idle connections", timeout: .seconds(10)) {
                server.connectionCount == 2
            }
            let third = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile, tls: false)
            #expect(await third.waitForClose(), "a third connection from 127.0.0.1 must be closed")
            #expect(idle.allSatisfy { $0.channel.isActive })
            // Another address still gets in and is served.
            let other = try await DealRawConnection.connect(
                port: harness.port,
                caFile: harness.caFile,
                source: "127.0.0.2"
            )
            defer { other.close() }
            try await other.sendHello()
            try await other.send(try Self.call(1, .getServerInfo, token: harness.readToken))
            let frames = try await other.waitForFrames(3)
            #expect(frames.contains { $0.kind == .trailers && $0.streamID == 1 })
            #expect(server.connectionCount == 3)
        }
    }

    @Test("a 4 MiB CreateDeal of two million empty participations is refused undecoded; the connection goes on")
    func amplifyingRequestRefused() async throws {
        try await DealServerHarness.with { harness, _ in
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            defer { raw.close() }
            try await raw.sendHello()
            // Deal field 10 (participations), an empty message: bytes 52 00, repeated inside field 1 (deal).
            let count = 2_000_000
            var deal = [UInt8]()
            deal.reserveCapacity(count * 2)
            for _ in 0..<count { deal += [0x52, 0x00] }
            var request: [UInt8] = [0x0A]
            var length = UInt64(deal.count)
            while length >= 0x80 {
                request.append(UInt8(length & 0x7F) | 0x80)
                length >>= 7
            }
            request.append(UInt8(length))
            request += deal
            try await raw.send([
                try DealFrame(
                    kind: .headers,
                    streamID: 1,
                    message: Self.headers(.createDeal, token: harness.writeToken)
                ),
                DealFrame(kind: .message, flags: .endStream, streamID: 1, payload: ByteBuffer(bytes: request)),
            ])
            try await raw.send(try Self.call(3, .getServerInfo, token: harness.readToken))
            let frames = try await raw.waitForFrames(4, timeout: .seconds(30))
            let refused = try #require(frames.first { $0.kind == .trailers && $0.streamID == 1 })
            let status: Dealstore_V1_Trailers = try refused.decodePayload()
            #expect(status.code == DealStatusCode.resourceExhausted.rawValue)
            #expect(status.message.contains("limits.max_request_fields"))
            let answered = try #require(frames.first { $0.kind == .trailers && $0.streamID == 3 })
            let info: Dealstore_V1_Trailers = try answered.decodePayload()
            #expect(info.code == DealStatusCode.ok.rawValue)
        }
    }

    @Test("a call beyond max concurrent streams is refused with RESOURCE_EXHAUSTED, the others run")
    func streamLimit() async throws {
        var limits = DealConnectionLimits()
        limits.maximumConcurrentStreams = 2
        try await DealServerHarness.with(limits: limits) { harness, _ in
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            defer { raw.close() }
            try await raw.sendHello()
            try await raw.send(
                try Self.call(1, .watchDeals, token: harness.readToken)
                    + Self.call(2, .watchDeals, token: harness.readToken)
                    + Self.call(3, .watchDeals, token: harness.readToken)
            )
            let frames = try await raw.waitForFrames(2)
            let trailers = try #require(frames.first { $0.kind == .trailers })
            #expect(trailers.streamID == 3)
            let status: Dealstore_V1_Trailers = try trailers.decodePayload()
            #expect(status.code == DealStatusCode.resourceExhausted.rawValue)
            #expect(raw.channel.isActive)
        }
    }

    @Test("pinging faster than the policy allows ends the connection with GOAWAY RESOURCE_EXHAUSTED")
    func pingAbuse() async throws {
        try await DealServerHarness.with { harness, _ in
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            try await raw.sendHello()
            let pings = (0..<5).map { _ in DealFrame(kind: .ping, streamID: 0) }
            try await raw.send(pings)
            #expect(await raw.waitForClose())
            #expect(try Self.goAwayCode(raw) == .resourceExhausted)
            #expect(try raw.frames().filter { $0.kind == .pong }.count == 3)
        }
    }

    @Test("an idle connection is closed with GOAWAY UNAVAILABLE")
    func idleTimeout() async throws {
        var limits = DealConnectionLimits()
        limits.idleTimeout = .seconds(1)
        try await DealServerHarness.with(limits: limits) { harness, _ in
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            // A loaded machine may reach the idle timeout before HELLO is written; the GOAWAY comes either way.
            try? await raw.sendHello()
            #expect(await raw.waitForClose(timeout: .seconds(5)))
            #expect(try Self.goAwayCode(raw) == .unavailable)
        }
    }

    /// Imports `count` deals of about 1.1 KB each, so that an export is megabytes.
    static func importBulkDeals(_ count: Int, harness: DealServerHarness) async throws {
        try await withDealClient(configuration: harness.clientConfiguration(token: harness.adminToken)) { client in
            let records = AsyncStream<Dealstore_V1_DealRecord> { continuation in
                for index in 1...count {
                    var deal = DealTestRecords.deal(id: "bulk-\(index)")
                    deal.notes = String(repeating: "n", count: 1_000)
                    var record = Dealstore_V1_DealRecord()
                    record.deal = deal
                    continuation.yield(record)
                }
                continuation.finish()
            }
            let imported = try await client.importDeals(records)
            #expect(imported.created == UInt64(count))
        }
    }

    @Test("exports far larger than the output cap reach a client that pauses reading, whole")
    func pausedReaderGetsLargeExports() async throws {
        var limits = DealConnectionLimits()
        limits.maximumOutputBuffer = 64 * 1024
        try await DealServerHarness.with(limits: limits) { harness, server in
            let deals = 1_500
            try await Self.importBulkDeals(deals, harness: harness)
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            defer { raw.close() }
            try await raw.sendHello()
            _ = try await raw.waitForFrames(1)
            // Four exports of ~1.7 MB each while the client reads nothing: far more than the socket buffers and
            // the 64 KiB cap hold. The server must pause them, not cut the connection.
            try await raw.channel.setOption(.autoRead, value: false).get()
            try await raw.send(
                (1...4).flatMap { try! Self.call(UInt32($0 * 2 - 1), .exportDeals, token: harness.readToken) }
            )
            // The client reads only once the server has paused the streams, so the test fails if they never pause.
            let pausesBefore = server.streamPauseCount
            try await DealWait.until("the server pausing the exports' streams", timeout: .seconds(60)) {
                server.streamPauseCount > pausesBefore
            }
            try await raw.channel.setOption(.autoRead, value: true).get()
            try await DealWait.until("the four exports' trailers", timeout: .seconds(60), interval: .milliseconds(50)) {
                try raw.frames().filter { $0.kind == .trailers }.count >= 4
            }
            let frames = try raw.frames()
            let trailers = frames.filter { $0.kind == .trailers }
            #expect(trailers.count == 4)
            for trailer in trailers {
                #expect(try trailer.decodePayload(as: Dealstore_V1_Trailers.self).code == DealStatusCode.ok.rawValue)
            }
            let messages = Dictionary(grouping: frames.filter { $0.kind == .message }, by: \.streamID)
            #expect(messages.count == 4)
            #expect(Set(messages.values.map(\.count)).count == 1)
            #expect(messages.values.allSatisfy { $0.count > deals })
            #expect(try raw.goAway() == nil)
        }
    }

    @Test("a client that never reads is cut off instead of growing the server's memory")
    func outputBufferCap() async throws {
        var limits = DealConnectionLimits()
        limits.maximumOutputBuffer = 64 * 1024
        limits.maximumConcurrentStreams = 1000
        try await DealServerHarness.with(limits: limits) { harness, server in
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile)
            defer { raw.close() }
            try await raw.sendHello()
            _ = try await raw.waitForFrames(1)
            try await raw.channel.setOption(.autoRead, value: false).get()
            // Unary answers are not paused like streams: answers past the cap are refused, but the refusals'
            // TRAILERS still pile up for a client that never reads, until they pass the cap too and it is cut off.
            var frames: [DealFrame] = []
            for id in 1...20000 {
                frames += try Self.call(UInt32(id * 2 - 1), .listDeals, token: harness.readToken)
            }
            try await raw.send(frames)
            #expect(
                await DealServerCallLifecycleTests.eventually(timeout: .seconds(20)) { server.connectionCount == 0 }
            )
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                let info = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
                #expect(info.dealCount > 0)
            }
        }
    }
}
