import DealTestSupport
import Foundation
import Logging
import Testing

@testable import DealServer

@Suite("DealLogOutput and DealLogHandler")
struct DealLogOutputTests {
    /// A temporary file the output writes to; read back with ``contents``.
    private final class LogFile {
        let url: URL
        let handle: FileHandle

        init() throws {
            self.url = FileManager.default.temporaryDirectory
                .appendingPathComponent("deal-log-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: self.url.path, contents: nil)
            self.handle = try FileHandle(forWritingTo: self.url)
        }

        deinit {
            try? self.handle.close()
            try? FileManager.default.removeItem(at: self.url)
        }

        var contents: String {
            (try? String(contentsOf: self.url, encoding: .utf8)) ?? ""
        }

        var lines: [Substring] {
            self.contents.split(separator: "\n")
        }
    }

    @Test("lines from several threads all arrive once, each thread's in the order it wrote them")
    func concurrentWritersKeepEveryLine() async throws {
        let file = try LogFile()
        let output = DealLogOutput(fileDescriptor: file.handle.fileDescriptor)
        let threads = 4
        let linesPerThread = 2_000
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<threads {
                group.addTask {
                    for index in 0..<linesPerThread {
                        output.write(" info test: thread=\(thread) index=\(index)\n", urgent: false)
                    }
                }
            }
        }
        output.flush()
        let lines = file.lines
        #expect(lines.count == threads * linesPerThread)
        for thread in 0..<threads {
            let indexes = lines.filter { $0.contains("thread=\(thread) ") }.compactMap { line in
                line.split(separator: "index=").last.flatMap { Int($0) }
            }
            #expect(indexes == Array(0..<linesPerThread), "thread \(thread)")
        }
        // Every line starts with the timestamp StreamLogHandler prints: 2026-11-21T23:50:04+0000.
        #expect(
            lines.allSatisfy {
                $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info"#, options: .regularExpression) != nil
            }
        )
    }

    @Test("a warning is written at once, after the info lines logged before it")
    func urgentLineIsWrittenAtOnce() throws {
        let file = try LogFile()
        let output = DealLogOutput(fileDescriptor: file.handle.fileDescriptor)
        output.write(" info test: first\n", urgent: false)
        output.write(" warning test: second\n", urgent: true)
        // No flush(): the warning's own write carried both lines out.
        let lines = file.lines
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix("info test: first") == true)
        #expect(lines.last?.hasSuffix("warning test: second") == true)
    }

    @Test("info lines reach the file without flush(), written by the flusher thread")
    func flusherWritesHeldLines() async throws {
        let file = try LogFile()
        let output = DealLogOutput(fileDescriptor: file.handle.fileDescriptor)
        output.write(" info test: held\n", urgent: false)
        try await DealWait.until("the held line in the file", timeout: .seconds(10)) { !file.lines.isEmpty }
        #expect(file.lines.count == 1)
    }

    @Test("the handler prints level, label, sorted metadata, source and message")
    func handlerLineFormat() throws {
        let file = try LogFile()
        let output = DealLogOutput(fileDescriptor: file.handle.fileDescriptor)
        var logger = Logger(label: "dealsd") { label in DealLogHandler(label: label, output: output) }
        logger[metadataKey: "peer"] = "127.0.0.1:5"
        logger.info("call status=OK", metadata: ["b": "2", "a": "1"], source: "DealServer")
        logger.warning("careful")
        output.flush()
        let lines = file.lines
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix(" info dealsd: peer=127.0.0.1:5 a=1 b=2 [DealServer] call status=OK") == true)
        #expect(lines.last?.hasSuffix(" warning dealsd: peer=127.0.0.1:5 [DealServerTests] careful") == true)
    }
}
