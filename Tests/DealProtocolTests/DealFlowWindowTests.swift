import DealProtocol
import Testing

@Suite("Flow-control window shared by client and server")
struct DealFlowWindowTests {
    @Test("a receive window grants credit back only as bytes are consumed")
    func grantsOnConsumption() {
        var window = DealFlowWindow(initialSize: 1000, largestMessage: 1000)
        let received = window.receive(600)
        #expect(received)
        #expect(window.available == 400)
        let overrun = window.receive(500)
        #expect(!overrun, "an overrun is refused")
        #expect(window.available == 400, "and changes nothing")
        let increment = window.consume(600)
        #expect(increment == 600)
        #expect(window.available == 1000)
    }

    @Test("small messages are granted back in batches of half the window")
    func batches() {
        var window = DealFlowWindow(initialSize: 1000, largestMessage: 1000)
        var increments: [UInt32?] = []
        for _ in 0..<5 {
            _ = window.receive(100)
            increments.append(window.consume(100))
        }
        #expect(increments == [nil, nil, nil, nil, 500])
        _ = window.receive(300)
        _ = window.receive(300)
        let partly = window.consume(300)
        #expect(partly == nil, "300 bytes consumed of 600 received")
        let rest = window.consume(300)
        #expect(rest == 600)
        #expect(window.available == 1000)
    }

    @Test("a send window refuses zero and overflowing grants, and messages larger than the peer accepts")
    func sendWindow() {
        var window = DealFlowWindow(initialSize: 1000, largestMessage: 800)
        let sent = window.take(700)
        let tooMuch = window.take(400)
        let zero = window.grant(0)
        let overflow = window.grant(UInt32.max)
        let granted = window.grant(100)
        #expect(sent && !tooMuch && !zero && !overflow && granted)
        #expect(window.available == 400)
        #expect(window.fits(800))
        #expect(!window.fits(801))
    }
}
