import DealModel
import DealProtocol
import NIOCore
import SwiftProtobuf
import Testing

@testable import DealServer

/// Requests whose decoding would cost far more than their size: refused by the connection state machine before
/// anything decodes them.
@Suite("Decode limits: request fields and HEADERS size (no sockets)")
struct DealServerDecodeLimitTests {
    typealias Machine = DealServerConnectionStateMachine
    typealias Frames = DealServerConnectionStateMachineTests

    /// A CreateDeal whose deal has `count` empty participations: 2 bytes each on the wire.
    static func emptyParticipations(_ count: Int) throws -> ByteBuffer {
        var request = Dealstore_V1_CreateDealRequest()
        request.deal.participations = Array(repeating: Dealstore_V1_Participation(), count: count)
        return try DealFrame.encode(request)
    }

    static func message(_ id: UInt32, _ payload: ByteBuffer, endStream: Bool = true) -> DealFrame {
        DealFrame(kind: .message, flags: endStream ? .endStream : [], streamID: id, payload: payload)
    }

    @Test("a request that would decode into more fields than the limit ends with RESOURCE_EXHAUSTED, undecoded")
    func fieldLimit() throws {
        var limits = DealConnectionLimits()
        limits.maximumRequestFields = 1_000
        var machine = Frames.ready(limits: limits)
        _ = machine.receive(Frames.headers(1, .createDeal), now: .now())
        let payload = try Self.emptyParticipations(5_000)
        guard case .failStream(1, let trailers, true) = machine.receive(Self.message(1, payload), now: .now())
        else {
            Issue.record("expected the call to be refused")
            return
        }
        #expect(Frames.trailersCode([trailers]) == .resourceExhausted)
        let text = try trailers.decodePayload(as: Dealstore_V1_Trailers.self).message
        #expect(text.contains("limits.max_request_fields"))
        #expect(machine.phase == .active)
        #expect(machine.openStreamCount == 0)
    }

    @Test("a request under the field limit is delivered, however many bytes it has")
    func underFieldLimit() throws {
        var limits = DealConnectionLimits()
        limits.maximumRequestFields = 1_000
        var machine = Frames.ready(limits: limits)
        _ = machine.receive(Frames.headers(1, .createDeal), now: .now())
        // 900 participations and the deal field: 901 fields in 3 KB, more than 2 bytes per field allowed.
        let payload = try Self.emptyParticipations(900)
        guard case .deliver(1, _, true) = machine.receive(Self.message(1, payload), now: .now()) else {
            Issue.record("expected the message to be delivered")
            return
        }
        // And a long string field counts once: 1 MiB of notes is two fields.
        var request = Dealstore_V1_CreateDealRequest()
        request.deal.notes = String(repeating: "x", count: 1 << 20)
        _ = machine.receive(Frames.headers(3, .createDeal), now: .now())
        guard case .deliver(3, _, true) = machine.receive(Self.message(3, try DealFrame.encode(request)), now: .now())
        else {
            Issue.record("expected the long note to be delivered")
            return
        }
    }

    @Test("each ImportDeals message is counted on its own")
    func importMessagesCounted() throws {
        var limits = DealConnectionLimits()
        limits.maximumRequestFields = 1_000
        var machine = Frames.ready(limits: limits)
        _ = machine.receive(Frames.headers(1, .importDeals), now: .now())
        var record = Dealstore_V1_ImportDealsRequest()
        record.record.deal.participations = Array(repeating: Dealstore_V1_Participation(), count: 500)
        let small = try DealFrame.encode(record)
        for _ in 0..<4 {
            guard case .deliver(1, _, false) = machine.receive(Self.message(1, small, endStream: false), now: .now())
            else {
                Issue.record("expected each import message under the limit to be delivered")
                return
            }
            _ = machine.consumed(streamID: 1)
        }
        record.record.deal.participations = Array(repeating: Dealstore_V1_Participation(), count: 2_000)
        guard
            case .failStream(1, _, true) = machine.receive(
                Self.message(1, try DealFrame.encode(record), endStream: false),
                now: .now()
            )
        else {
            Issue.record("expected the large import message to be refused")
            return
        }
    }

    @Test("HEADERS larger than limits.max_headers_bytes is refused with RESOURCE_EXHAUSTED, the connection lives")
    func headersLimit() throws {
        var limits = DealConnectionLimits()
        limits.maximumHeadersBytes = 4_096
        var machine = Frames.ready(limits: limits)
        var headers = Dealstore_V1_CallHeaders()
        headers.method = DealMethod.getDeal.path
        headers.metadata = Array(repeating: Dealstore_V1_MetadataEntry(), count: 3_000)
        let frame = Frames.frame(.headers, streamID: 1, headers)
        #expect(frame.payload.readableBytes > 4_096)
        guard case .write(let frames) = machine.receive(frame, now: .now()) else {
            Issue.record("expected TRAILERS")
            return
        }
        #expect(Frames.trailersCode(frames) == .resourceExhausted)
        #expect(machine.openStreamCount == 0)
        #expect(machine.phase == .active)
        // The same call with its metadata within the limit starts.
        headers.metadata = Array(repeating: Dealstore_V1_MetadataEntry(), count: 10)
        guard case .startCall(3, _, _, _) = machine.receive(Frames.frame(.headers, streamID: 3, headers), now: .now())
        else {
            Issue.record("expected the call to start")
            return
        }
    }

    @Test("a status message quoting a huge input is cut to 2 KiB at a character boundary")
    func longStatusMessagesCut() throws {
        var machine = Frames.ready()
        _ = machine.receive(Frames.headers(1, .getDeal), now: .now())
        let id = String(repeating: "é", count: 50_000)
        let action = machine.finish(streamID: 1, code: .notFound, message: "no deal \"\(id)\"")
        guard case .write(let frames, _) = action, let trailers = frames.last else {
            Issue.record("expected TRAILERS, got \(action)")
            return
        }
        let message = try trailers.decodePayload(as: Dealstore_V1_Trailers.self).message
        #expect(message.utf8.count <= Machine.maximumStatusMessageBytes)
        #expect(message.hasPrefix("no deal \"éé"))
        #expect(message.hasSuffix("é…"))
        #expect(Machine.statusMessage("short") == "short")
    }
}
