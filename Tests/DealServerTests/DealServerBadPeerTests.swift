import DealClient
import DealModel
import DealProtocol
import DealServer
import DealTestSupport
import Foundation
import Testing

@Suite("Bad peers are closed and the server keeps serving")
struct DealServerBadPeerTests {
    enum Peer: String, CaseIterable, Sendable {
        case plaintextGarbage
        case plaintextHTTP
        case httpInsideTLS
        case garbageInsideTLS
        case tlsThenSilence
    }

    @Test("each bad peer ends with its connection closed; a good client is served meanwhile", arguments: Peer.allCases)
    func badPeer(peer: Peer) async throws {
        // Long enough that the good client's handshake and call finish first on a loaded machine; short enough
        // that the silent peer is dropped within the test.
        var limits = DealConnectionLimits()
        limits.idleTimeout = .seconds(3)
        try await DealServerHarness.with(limits: limits) { harness, _ in
            let tls = ![.plaintextGarbage, .plaintextHTTP].contains(peer)
            let raw = try await DealRawConnection.connect(port: harness.port, caFile: harness.caFile, tls: tls)
            switch peer {
            case .plaintextGarbage, .garbageInsideTLS:
                var generator = DealSeededRandom.logged("garbage bytes")
                try await raw.send((0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) })
            case .plaintextHTTP, .httpInsideTLS:
                try await raw.send(Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
            case .tlsThenSilence:
                break
            }
            try await withDealClient(configuration: harness.clientConfiguration(token: harness.readToken)) { client in
                let info = try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest())
                #expect(info.dealCount > 0)
            }
            #expect(await raw.waitForClose(timeout: .seconds(30)), "\(peer) was not disconnected")
            if peer == .httpInsideTLS {
                let goAway = try #require(try raw.goAway())
                #expect(goAway.code == DealStatusCode.internal.rawValue)
                #expect(goAway.reason.contains("reserved"))
            }
        }
    }
}
