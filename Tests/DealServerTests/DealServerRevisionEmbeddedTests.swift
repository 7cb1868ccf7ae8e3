import DealProtocol
import DealStore
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import DealServer

/// PROTOCOL.md "Consistency" in the connection and router, on an `EmbeddedChannel` with the loop's clock advanced by
/// hand: the `revision` trailer, and `min-revision` waits that end UNAVAILABLE, refusals and the per-connection
/// bound. (A wait that a write ends needs the store's committer thread: DealClientConsistencyTests covers it.)
@Suite("Revisions on an embedded connection: revision trailers and min-revision waits")
struct DealServerRevisionEmbeddedTests {
    typealias Embedded = DealServerConnectionHandlerEmbeddedTests

    /// The embedded connection with GetDeal callable anonymously, past its HELLO.
    static func withChannel(
        _ body: (EmbeddedChannel, EmbeddedEventLoop, DealStore) throws -> Void
    ) async throws {
        try await Embedded.withChannel(
            anonymousMethods: [DealMethod.healthCheck.path, DealMethod.getDeal.path]
        ) { channel, loop, store in
            try Embedded.write([try Embedded.hello()], to: channel)
            _ = try Embedded.written(channel)
            try body(channel, loop, store)
        }
    }

    /// HEADERS and END_STREAM MESSAGE of a Health/Check with `metadata` and a timeout (0: none).
    static func healthCheck(
        _ id: UInt32,
        metadata: [(String, String)] = [],
        timeout: TimeAmount? = nil
    ) throws -> [DealFrame] {
        var headers = Dealstore_V1_CallHeaders()
        headers.method = DealMethod.healthCheck.path
        headers.metadata = metadata.map { DealMetadataEntry(key: $0.0, text: $0.1).wire }
        if let timeout { headers.timeoutMicros = UInt64(timeout.nanoseconds / 1000) }
        return [
            try DealFrame(kind: .headers, streamID: id, message: headers),
            DealFrame(kind: .message, flags: .endStream, streamID: id),
        ]
    }

    static func trailers(_ frames: [DealFrame], stream id: UInt32) throws -> Dealstore_V1_Trailers? {
        try frames.first { $0.kind == .trailers && $0.streamID == id }.map {
            try $0.decodePayload(as: Dealstore_V1_Trailers.self)
        }
    }

    static func revision(_ trailers: Dealstore_V1_Trailers?) -> String? {
        trailers?.metadata.first { $0.key == DealProtocolVersion.revisionMetadataKey }
            .map { String(decoding: $0.value, as: UTF8.self) }
    }

    @Test("OK and error TRAILERS carry the revision the answer was served at")
    func trailersCarryRevision() async throws {
        try await Self.withChannel { channel, _, store in
            try Embedded.write(try Self.healthCheck(1), to: channel)
            let ok = try Self.trailers(try Embedded.written(channel), stream: 1)
            #expect(ok?.code == 0)
            #expect(Self.revision(ok) == "\(store.revision)")
            #expect(store.revision > 0)
            var headers = Dealstore_V1_CallHeaders()
            headers.method = DealMethod.getDeal.path
            var request = Dealstore_V1_GetDealRequest()
            request.id = "no-such-deal"
            try Embedded.write(
                [
                    try DealFrame(kind: .headers, streamID: 3, message: headers),
                    try DealFrame(kind: .message, flags: .endStream, streamID: 3, message: request),
                ],
                to: channel
            )
            let missing = try Self.trailers(try Embedded.written(channel), stream: 3)
            #expect(missing?.code == DealStatusCode.notFound.rawValue)
            #expect(Self.revision(missing) == "\(store.revision)")
        }
    }

    @Test("a min-revision at or below the store's is answered at once")
    func reachedRevisionAnswersAtOnce() async throws {
        try await Self.withChannel { channel, _, store in
            try Embedded.write(try Self.healthCheck(1, metadata: [("min-revision", "\(store.revision)")]), to: channel)
            #expect(try Self.trailers(try Embedded.written(channel), stream: 1)?.code == 0)
            try Embedded.write(try Self.healthCheck(3, metadata: [("min-revision", "0")]), to: channel)
            #expect(try Self.trailers(try Embedded.written(channel), stream: 3)?.code == 0)
        }
    }

    @Test("a min-revision ahead waits, without a deadline for the server's 5 s, then UNAVAILABLE naming both")
    func waitWithoutDeadline() async throws {
        try await Self.withChannel { channel, loop, store in
            let wanted = store.revision + 10
            try Embedded.write(try Self.healthCheck(1, metadata: [("min-revision", "\(wanted)")]), to: channel)
            #expect(try Embedded.written(channel).isEmpty)
            #expect(store.pendingRevisionWaits == 1)
            loop.advanceTime(by: .milliseconds(4_900))
            #expect(try Embedded.written(channel).isEmpty)
            loop.advanceTime(by: .milliseconds(200))
            let trailers = try #require(try Self.trailers(try Embedded.written(channel), stream: 1))
            #expect(trailers.code == DealStatusCode.unavailable.rawValue)
            #expect(trailers.message.contains("revision \(store.revision)"))
            #expect(trailers.message.contains("min-revision \(wanted)"))
            #expect(Self.revision(trailers) == "\(store.revision)")
            #expect(store.pendingRevisionWaits == 0)
        }
    }

    @Test("with a deadline the wait ends UNAVAILABLE a tenth of the timeout (at most 100 ms) before it")
    func waitEndsBeforeDeadline() async throws {
        try await Self.withChannel { channel, loop, store in
            let wanted = store.revision + 1
            try Embedded.write(
                try Self.healthCheck(1, metadata: [("min-revision", "\(wanted)")], timeout: .milliseconds(500)),
                to: channel
            )
            loop.advanceTime(by: .milliseconds(440))
            #expect(try Embedded.written(channel).isEmpty)
            loop.advanceTime(by: .milliseconds(20))
            let trailers = try #require(try Self.trailers(try Embedded.written(channel), stream: 1))
            #expect(trailers.code == DealStatusCode.unavailable.rawValue)
            // The deadline passing later sends nothing more for the call.
            loop.advanceTime(by: .seconds(1))
            #expect(try Embedded.written(channel).isEmpty)
        }
    }

    @Test(
        "a min-revision that is not a decimal revision is INVALID_ARGUMENT, at once",
        arguments: [
            "", "soon", "-1", "+5", " 5", "1e3", "18446744073709551616",
        ]
    )
    func invalidMinimumRevision(value: String) async throws {
        try await Self.withChannel { channel, _, store in
            try Embedded.write(try Self.healthCheck(1, metadata: [("min-revision", value)]), to: channel)
            let trailers = try #require(try Self.trailers(try Embedded.written(channel), stream: 1))
            #expect(trailers.code == DealStatusCode.invalidArgument.rawValue)
            #expect(trailers.message.contains("min-revision"))
            #expect(store.pendingRevisionWaits == 0)
        }
    }

    @Test("at most 32 calls of a connection wait; a cancelled wait gives its slot back")
    func waitsAreBoundedPerConnection() async throws {
        try await Self.withChannel { channel, loop, store in
            let ahead = [("min-revision", "\(store.revision + 1)")]
            var frames: [DealFrame] = []
            for index in 0..<DealRevisionWaitCounter.defaultLimit {
                frames += try Self.healthCheck(UInt32(2 * index + 1), metadata: ahead)
            }
            try Embedded.write(frames, to: channel)
            #expect(try Embedded.written(channel).isEmpty)
            #expect(store.pendingRevisionWaits == DealRevisionWaitCounter.defaultLimit)
            try Embedded.write(try Self.healthCheck(101, metadata: ahead), to: channel)
            let refused = try #require(try Self.trailers(try Embedded.written(channel), stream: 101))
            #expect(refused.code == DealStatusCode.resourceExhausted.rawValue)
            // A call that need not wait is unaffected.
            try Embedded.write(try Self.healthCheck(103), to: channel)
            #expect(try Self.trailers(try Embedded.written(channel), stream: 103)?.code == 0)
            // CANCEL withdraws a wait, and its slot takes the next waiting call.
            try Embedded.write([DealFrame(kind: .cancel, streamID: 1)], to: channel)
            #expect(store.pendingRevisionWaits == DealRevisionWaitCounter.defaultLimit - 1)
            try Embedded.write(try Self.healthCheck(105, metadata: ahead), to: channel)
            #expect(try Embedded.written(channel).isEmpty)
            #expect(store.pendingRevisionWaits == DealRevisionWaitCounter.defaultLimit)
            loop.advanceTime(by: .seconds(6))
            let ended = try Embedded.written(channel).filter { $0.kind == .trailers }
            #expect(ended.count == DealRevisionWaitCounter.defaultLimit)
            #expect(store.pendingRevisionWaits == 0)
        }
    }
}
