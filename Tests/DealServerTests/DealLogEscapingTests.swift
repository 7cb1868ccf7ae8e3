import DealModel
import DealProtocol
import Foundation
import Logging
import NIOCore
import Testing

@testable import DealServer

@Suite("Log lines cannot be forged")
struct DealLogEscapingTests {
    /// Logs through a ``DealLogHandler`` into a temporary file and returns the lines written.
    static func lines(_ body: (Logger) -> Void) throws -> [Substring] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("deal-log-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let output = DealLogOutput(fileDescriptor: handle.fileDescriptor)
        body(Logger(label: "dealsd") { label in DealLogHandler(label: label, output: output) })
        output.flush()
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { $0 }
    }

    static func context(requestID: String) -> DealServerCallContext {
        var headers = Dealstore_V1_CallHeaders()
        headers.method = DealMethod.getServerInfo.path
        var entry = Dealstore_V1_MetadataEntry()
        entry.key = DealProtocolVersion.requestIDMetadataKey
        entry.value = Data(requestID.utf8)
        headers.metadata = [entry]
        return DealServerCallContext(
            streamID: 1,
            method: .getServerInfo,
            headers: headers,
            peer: DealServerPeer(address: "127.0.0.1:1", identity: nil),
            startedAt: .now(),
            logger: Logger(label: "test")
        )
    }

    @Test("a request id holding a newline produces one log line, with the newline shown as \\n")
    func newlineInRequestID() throws {
        let forged = "abc\n2026-12-01T00:00:00+0000 info dealsd: [DealServer] call method=/x status=OK"
        let requestID = try #require(Self.context(requestID: forged).requestID)
        let lines = try Self.lines { logger in
            logger.info("call method=/m request_id=\(requestID) status=OK", source: "DealServer")
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(#"request_id=abc\n2026-12-01T00:00:00+0000 info"#) == true)
    }

    @Test("the handler escapes control characters in any message and metadata value, not only request ids")
    func handlerEscapesEverything() throws {
        let lines = try Self.lines { logger in
            logger.warning("bad\r\nthing\u{1B}[2J\u{85}end\u{2028}", metadata: ["name": "a\nb", "k\u{7}": "v"])
        }
        #expect(lines.count == 1)
        let line = String(try #require(lines.first))
        #expect(line.contains(#"name=a\nb"#))
        #expect(line.contains(#"k\u{7}=v"#))
        #expect(line.hasSuffix(#"bad\r\nthing\u{1B}[2J\u{85}end\u{2028}"#))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
    }

    @Test("a request id is cut to 128 bytes, at a character boundary, and marked as cut")
    func longRequestIDIsCut() throws {
        let long = String(repeating: "é", count: 500) + "\n"
        let requestID = try #require(Self.context(requestID: long).requestID)
        #expect(requestID.utf8.count <= 128)
        #expect(requestID.hasSuffix("…"))
        #expect(requestID.dropLast().allSatisfy { $0 == "é" })
        #expect(Self.context(requestID: "req-42").requestID == "req-42")
    }
}
