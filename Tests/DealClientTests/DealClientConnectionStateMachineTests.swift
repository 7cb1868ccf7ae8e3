import DealProtocol
import NIOCore
import Testing

@testable import DealClient

/// The client's flow control on ``DealFlowWindow``, without sockets.
@Suite("Client connection state machine (no sockets)")
struct DealClientConnectionStateMachineTests {
    static func serverHello(maximumFrameSize: UInt32) throws -> DealFrame {
        var hello = Dealstore_V1_Hello()
        hello.minVersion = 1
        hello.maxVersion = 1
        hello.maxFrameSize = maximumFrameSize
        hello.initialWindowSize = maximumFrameSize
        return try DealFrame(kind: .hello, streamID: 0, message: hello)
    }

    @Test("a request larger than the server's max_frame_size is refused locally instead of waiting forever")
    func oversizedRequest() throws {
        var machine = DealClientConnectionStateMachine()
        let hello = try Self.serverHello(maximumFrameSize: 16 * 1024)
        _ = machine.receive(hello)
        let opened = machine.openStream()
        let id = try #require(opened)
        #expect(machine.refusal(ofRequest: 16 * 1024, streamID: id) == nil)
        let refusal = try #require(machine.refusal(ofRequest: 16 * 1024 + 1, streamID: id))
        #expect(refusal.code == .resourceExhausted)
        #expect(refusal.message.contains("max_frame_size"))
    }

    @Test("a WINDOW_UPDATE of zero or one that overflows the window is a connection error")
    func badWindowUpdate() throws {
        var machine = DealClientConnectionStateMachine()
        let hello = try Self.serverHello(maximumFrameSize: 16 * 1024)
        _ = machine.receive(hello)
        let opened = machine.openStream()
        let id = try #require(opened)
        var update = Dealstore_V1_WindowUpdate()
        update.increment = UInt32(Int32.max)
        guard case .closeConnection = machine.receive(try DealFrame(kind: .windowUpdate, streamID: id, message: update))
        else {
            Issue.record("expected a connection error for an overflowing window")
            return
        }
    }
}
