import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation
import NIOCore
import Testing

/// The real `dealsd` against peers that try to make it hold memory or descriptors: over TLS on loopback, with small
/// limits from a configuration file so that each attack is modest and quick.
@Suite("The real dealsd against hostile peers", .serialized)
struct DealDaemonHostilePeerTests {
    /// Starts dealsd with `limits` lines under `limits:` in a configuration file.
    static func start(limits: String) throws -> (daemon: DealDaemonProcess, directory: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-hostile-\(UUID())").path
        let configuration = directory + ".yaml"
        try ("store:\n  seed_if_empty: false\nlimits:\n" + limits).write(
            toFile: configuration,
            atomically: true,
            encoding: .utf8
        )
        let daemon = try DealDaemonProcess.start(dataDirectory: directory, extraArguments: ["--config", configuration])
        return (daemon, directory)
    }

    static func stop(_ daemon: DealDaemonProcess, directory: String) {
        daemon.kill(SIGTERM)
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: directory + ".yaml")
    }

    /// A `kB` field of /proc/PID/status (VmRSS, VmHWM) in bytes.
    static func memory(_ field: String, pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    static func anonymousClient(_ daemon: DealDaemonProcess) -> DealClientConfiguration {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: daemon.port)
        configuration.trustRootsFile = daemon.caFile
        configuration.waitForConnectionTimeout = .seconds(5)
        return configuration
    }

    static func healthCheck(_ daemon: DealDaemonProcess) async throws -> Dealstore_V1_HealthCheckResponse {
        try await withDealClient(configuration: Self.anonymousClient(daemon)) { client in
            try await client.healthCheck(Dealstore_V1_HealthCheckRequest())
        }
    }

    /// HEADERS for an anonymous Health/Check and one MESSAGE of `bytes` without END_STREAM, on `streams` streams.
    static func attackFrames(streams: Int, bytes: Int) throws -> [DealFrame] {
        var headers = Dealstore_V1_CallHeaders()
        headers.method = DealMethod.healthCheck.path
        // One long string field: held bytes, not a request that limits.max_request_fields refuses at once.
        var request = Dealstore_V1_HealthCheckRequest()
        request.service = String(repeating: "a", count: bytes - 8)
        let payload = try DealFrame.encode(request)
        var frames: [DealFrame] = []
        for index in 0..<streams {
            let id = UInt32(2 * index + 1)
            frames.append(try DealFrame(kind: .headers, streamID: id, message: headers))
            frames.append(DealFrame(kind: .message, streamID: id, payload: payload))
        }
        return frames
    }

    @Test(
        "connections × streams × MiB of MESSAGE without END_STREAM stay inside the budget; every stream ends, others are served",
        .timeLimit(.minutes(2))
    )
    func unfinishedRequestsStayInBudget() async throws {
        // Budget: 2 MiB held per connection, 16 MiB for the server (held messages and partial frames; 3 × (2 + 1)
        // MiB at most here, so no connection is cut off); the attack offers 3 × 40 × 1 MiB = 120 MiB.
        let budget = 16 << 20
        let (daemon, directory) = try Self.start(
            limits: """
                  max_request_buffer_mb: 2
                  max_server_request_buffer_mb: 16
                  max_incomplete_streams: 100
                  request_body_timeout_seconds: 3

                """
        )
        defer { Self.stop(daemon, directory: directory) }
        let pid = daemon.process.processIdentifier
        #expect(try await Self.healthCheck(daemon).status == .serving)
        let before = try #require(Self.memory("VmRSS", pid: pid))

        let connections = 3
        let streams = 40
        let frames = try Self.attackFrames(streams: streams, bytes: 1 << 20)
        var attackers: [DealRawConnection] = []
        for _ in 0..<connections {
            let raw = try await DealRawConnection.connect(port: daemon.port, caFile: daemon.caFile)
            try await raw.sendHello()
            attackers.append(raw)
        }
        defer { for raw in attackers { raw.close() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for raw in attackers {
                group.addTask { try await raw.send(frames) }
            }
            try await group.waitForAll()
        }
        // A normal client is served while the attackers' streams are open.
        #expect(try await Self.healthCheck(daemon).status == .serving)

        // Every attacking stream ends with a status: refused over the budget, or ended by the request-body timeout.
        for raw in attackers {
            let answered = try await raw.waitForFrames(1 + streams, timeout: .seconds(30))
            let trailers = answered.filter { $0.kind == .trailers }
            #expect(trailers.count == streams, "every stream must end with TRAILERS")
            let codes = Set(
                try trailers.map { DealStatusCode(rawValue: try $0.decodePayload(as: Dealstore_V1_Trailers.self).code) }
            )
            #expect(codes == [.resourceExhausted])
        }
        let peak = try #require(Self.memory("VmHWM", pid: pid))
        let after = try #require(Self.memory("VmRSS", pid: pid))
        // The budget plus a margin for TLS and decoder buffers, allocator slack and the normal client's calls; without
        // a budget the daemon held all 120 MiB.
        let margin = 48 << 20
        #expect(
            peak - before < budget + margin,
            "VmRSS \(before >> 20) MiB before, peak \(peak >> 20) MiB, \(after >> 20) MiB after the attack"
        )
        #expect(try await Self.healthCheck(daemon).status == .serving)
    }

    @Test("a TLS peer that completes the handshake and stays silent gets GOAWAY after the HELLO timeout")
    func silentPeerIsClosed() async throws {
        let (daemon, directory) = try Self.start(limits: "  hello_timeout_seconds: 1\n")
        defer { Self.stop(daemon, directory: directory) }
        let raw = try await DealRawConnection.connect(port: daemon.port, caFile: daemon.caFile)
        defer { raw.close() }
        // The idle timeout is 300 s: only the HELLO timeout can close the connection this soon.
        #expect(await raw.waitForClose(timeout: .seconds(15)))
        let goAway = try #require(try raw.goAway())
        #expect(DealStatusCode(rawValue: goAway.code) == .deadlineExceeded)
        #expect(goAway.reason.contains("hello_timeout_seconds"))
    }

    @Test("a connection over the limit is closed at accept, without a TLS handshake; the others keep working")
    func connectionOverLimitClosedBeforeTLS() async throws {
        let (daemon, directory) = try Self.start(limits: "  max_connections: 2\n")
        defer { Self.stop(daemon, directory: directory) }
        var inside: [DealRawConnection] = []
        for _ in 0..<2 {
            let raw = try await DealRawConnection.connect(port: daemon.port, caFile: daemon.caFile)
            try await raw.sendHello()
            let hello = try await raw.waitForFrames(1)
            #expect(hello.first?.kind == .hello)
            inside.append(raw)
        }
        defer { for raw in inside { raw.close() } }
        // Plain TCP that sends nothing: a server that starts TLS waits for a ClientHello until its handshake
        // timeout (10 s); one that refuses at accept closes at once and sends nothing.
        let extra = try await DealRawConnection.connect(port: daemon.port, caFile: daemon.caFile, tls: false)
        #expect(await extra.waitForClose(timeout: .seconds(5)))
        #expect(try extra.frames().isEmpty)
        // The connections inside the limit are served.
        var headers = Dealstore_V1_CallHeaders()
        headers.method = DealMethod.healthCheck.path
        try await inside[0].send([
            try DealFrame(kind: .headers, streamID: 1, message: headers),
            DealFrame(kind: .message, flags: .endStream, streamID: 1),
        ])
        let frames = try await inside[0].waitForFrames(3)
        #expect(frames.contains { $0.kind == .trailers && $0.streamID == 1 })
        // A place freed by a closed connection is given to the next one.
        inside[1].close()
        let deadline = ContinuousClock.now + .seconds(10)
        var served = false
        while !served && ContinuousClock.now < deadline {
            let next = try await DealRawConnection.connect(port: daemon.port, caFile: daemon.caFile)
            try? await next.sendHello()
            served = try await next.waitForFrames(1, timeout: .seconds(2)).first?.kind == .hello
            next.close()
        }
        #expect(served)
    }
}
