import DealClient
import DealModel
import DealProtocol
import DealServer
import DealTestSupport
import Foundation
import NIOCore
import SwiftProtobuf
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A generative client against the real `dealsd` over TLS on loopback: thousands of seed-derived calls to every
/// method (see ``DealFuzzRequestGenerator``), each of which must end with a TRAILERS status, with the daemon alive
/// and serving at the end. Set `DEALSTORE_FUZZ_SEED` (hex) and `DEALSTORE_FUZZ_CALLS` to replay or lengthen a run.
@Suite("Service fuzzer against the real dealsd", .serialized)
struct DealServiceFuzzTests {
    static let defaultSeed: UInt64 = 0x11_0005
    static let defaultCalls = 2000
    /// Calls per connection, well under the server's 100 concurrent streams.
    static let batchSize = 40
    static let anonymousMethods: Set<String> = [DealMethod.healthCheck.path, DealMethod.getServerInfo.path]

    struct Outcome {
        var trailers: Dealstore_V1_Trailers?
        var messages = 0
    }

    @Test(
        "generated and mutated calls to every method each end with a status, and dealsd keeps serving",
        .timeLimit(.minutes(5))
    )
    func everyCallEndsWithAStatus() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["DEALSTORE_FUZZ_SEED"].flatMap { UInt64($0, radix: 16) } ?? Self.defaultSeed
        let verbose = environment["DEALSTORE_FUZZ_VERBOSE"] != nil
        // 1 sends one call at a time, which names the call that killed the daemon.
        let batchSize = environment["DEALSTORE_FUZZ_BATCH"].flatMap { Int($0) } ?? Self.batchSize
        let callCount = environment["DEALSTORE_FUZZ_CALLS"].flatMap { Int($0) } ?? Self.defaultCalls
        let replay = "seed \(String(seed, radix: 16)) (replay with DEALSTORE_FUZZ_SEED=\(String(seed, radix: 16)))"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-fuzz-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tokens = try Self.writeTokens(in: directory)
        let daemon = try DealDaemonProcess.start(dataDirectory: directory)
        defer { daemon.kill(SIGTERM) }
        let realPageToken = try await Self.firstPageToken(daemon, token: tokens.reader)
        var generator = DealFuzzRequestGenerator(
            seed: seed,
            tokens: tokens,
            realPageToken: realPageToken
        )
        var codes: [Int32: Int] = [:]
        var succeeded: [String: (ok: Int, calls: Int)] = [:]
        var sent = 0
        while sent < callCount {
            let batch = (0..<min(batchSize, callCount - sent)).map { _ in generator.call() }
            let outcomes = await Self.run(batch, daemon: daemon)
            if outcomes.contains(where: { $0.trailers == nil }) {
                // A daemon that traps takes seconds to print its backtrace and exit: wait for that before deciding
                // whether calls went unanswered or the daemon died.
                await Self.waitForExit(daemon, timeout: .seconds(30))
            }
            guard daemon.process.isRunning else {
                Issue.record(
                    """
                    dealsd died (exit status \(daemon.process.terminationStatus)) during calls \(sent) to \
                    \(sent + batch.count - 1), \(replay):
                    \(batch.enumerated().map { "  #\(sent + $0.offset): \($0.element)" }.joined(separator: "\n"))
                    """
                )
                return
            }
            for (index, (call, outcome)) in zip(batch, outcomes).enumerated() {
                if let problem = Self.problem(call, outcome) {
                    Issue.record("call #\(sent + index), \(replay): \(problem): \(call)")
                }
                codes[outcome.trailers?.code ?? -1, default: 0] += 1
                if verbose, let trailers = outcome.trailers {
                    print(
                        "#\(sent + index) \(call.path) \(call.caller): \(trailers.code) \(trailers.message.prefix(200))"
                    )
                }
                let name = call.method?.name ?? "unknown"
                succeeded[name, default: (0, 0)].calls += 1
                if outcome.trailers?.code == 0 { succeeded[name, default: (0, 0)].ok += 1 }
            }
            sent += batch.count
        }
        #expect(daemon.process.isRunning, "dealsd died after the run, \(replay)")
        let health = try await withDealClient(configuration: Self.client(daemon, token: nil)) { client in
            try await client.unary(
                .healthCheck,
                request: Dealstore_V1_HealthCheckRequest(),
                responseType: Dealstore_V1_HealthCheckResponse.self
            )
        }
        #expect(health.status == .serving, "Health/Check after the run: \(health), \(replay)")
        let summary = codes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        let methods = succeeded.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.ok)/\($0.value.calls)" }
        print(
            "service fuzz: \(sent) calls, \(replay); TRAILERS codes \(summary); OK per method: "
                + methods.joined(separator: ", ")
        )
    }

    /// What is wrong with a call's outcome, if anything.
    static func problem(_ call: DealFuzzCall, _ outcome: Outcome) -> String? {
        guard let trailers = outcome.trailers else {
            return "no TRAILERS within the call's deadline"
        }
        guard (0...16).contains(trailers.code) else {
            return "TRAILERS code \(trailers.code) is not a gRPC status"
        }
        guard trailers.code == DealStatusCode.ok.rawValue, let method = call.method else {
            return nil
        }
        if call.caller == .anonymous && !Self.anonymousMethods.contains(method.path) {
            return "an anonymous call succeeded"
        }
        if call.caller == .reader && method.isMutation {
            return "a read-role call to a mutation succeeded"
        }
        if method.kind != .serverStreaming && outcome.messages != 1 {
            return "OK with \(outcome.messages) response messages instead of one"
        }
        return nil
    }

    /// Sends a batch of calls on one new connection and collects each one's responses and TRAILERS, waiting up
    /// to the longest deadline in the batch plus a margin for a loaded machine.
    /// A connection that fails leaves the outcomes without TRAILERS.
    static func run(_ batch: [DealFuzzCall], daemon: DealDaemonProcess) async -> [Outcome] {
        var outcomes = [Outcome](repeating: Outcome(), count: batch.count)
        guard let connection = try? await DealRawConnection.connect(port: daemon.port, caFile: daemon.caFile) else {
            return outcomes
        }
        defer { connection.close() }
        var frames: [DealFrame] = []
        for (index, call) in batch.enumerated() {
            frames += call.frames(streamID: UInt32(2 * index + 1))
        }
        do {
            try await connection.sendHello()
            try await connection.send(frames)
        } catch {
            return outcomes
        }
        let longest = batch.map { min($0.timeoutMicros, 20_000_000) }.max() ?? 0
        let deadline = ContinuousClock.now + .microseconds(Int64(longest)) + .seconds(30)
        while true {
            outcomes = [Outcome](repeating: Outcome(), count: batch.count)
            for frame in (try? connection.frames()) ?? [] where frame.streamID % 2 == 1 {
                let index = Int(frame.streamID / 2)
                guard index < outcomes.count else { continue }
                if frame.kind == .trailers {
                    outcomes[index].trailers =
                        (try? frame.decodePayload(as: Dealstore_V1_Trailers.self))
                        ?? Dealstore_V1_Trailers.with { $0.code = -1 }
                } else if frame.kind == .message {
                    outcomes[index].messages += 1
                }
            }
            let done = outcomes.allSatisfy { $0.trailers != nil }
            if done || !connection.channel.isActive || ContinuousClock.now > deadline {
                return outcomes
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    static func waitForExit(_ daemon: DealDaemonProcess, timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while daemon.process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Admin, write and read tokens in the data directory's tokens file before the first start (dealsd then
    /// creates no token of its own), with the admin token where ``DealDaemonProcess`` reads it.
    static func writeTokens(in directory: String) throws -> DealFuzzRequestGenerator.Tokens {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tokens = DealFuzzRequestGenerator.Tokens(
            admin: DealTokensFile.generateToken(),
            writer: DealTokensFile.generateToken(),
            reader: DealTokensFile.generateToken()
        )
        let lines = [
            DealTokensFile.line(for: tokens.admin, role: .admin, name: "fuzz-admin"),
            DealTokensFile.line(for: tokens.writer, role: .write, name: "fuzz-writer"),
            DealTokensFile.line(for: tokens.reader, role: .read, name: "fuzz-reader"),
        ]
        let private0600 = [FileAttributeKey.posixPermissions: 0o600]
        #expect(
            FileManager.default.createFile(
                atPath: directory + "/tokens",
                contents: Data((lines.joined(separator: "\n") + "\n").utf8),
                attributes: private0600
            )
        )
        #expect(
            FileManager.default.createFile(
                atPath: directory + "/admin.token",
                contents: Data((tokens.admin + "\n").utf8),
                attributes: private0600
            )
        )
        return tokens
    }

    static func client(_ daemon: DealDaemonProcess, token: String?) -> DealClientConfiguration {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: daemon.port)
        configuration.trustRootsFile = daemon.caFile
        configuration.token = token
        configuration.waitForConnectionTimeout = .seconds(10)
        return configuration
    }

    /// A page token the server issued (the seed data has more than one deal), for the generator to reuse and
    /// mutate.
    static func firstPageToken(_ daemon: DealDaemonProcess, token: String) async throws -> String {
        try await withDealClient(configuration: Self.client(daemon, token: token)) { client in
            var request = Dealstore_V1_ListDealsRequest()
            request.pageSize = 1
            return try await client.unary(
                .listDeals,
                request: request,
                responseType: Dealstore_V1_ListDealsResponse.self
            ).nextPageToken
        }
    }
}
