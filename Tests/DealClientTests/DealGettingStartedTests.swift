import DealClient
import DealTestSupport
import Foundation
import Testing

@Suite("The getting-started article: its code is the example tool, and the tool works against a fresh dealsd")
struct DealGettingStartedTests {
    /// The repository root, from this file's path (Tests/DealClientTests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Lines without their indentation, blank lines dropped: article blocks are excerpts at another nesting.
    static func normalized(_ text: some StringProtocol) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    @Test("every swift block of GettingStarted.md is a verbatim excerpt of Examples/DealTool/main.swift")
    func articleIsTheExample() throws {
        let article = try String(
            contentsOf: Self.root.appendingPathComponent("Sources/DealClient/DealClient.docc/GettingStarted.md"),
            encoding: .utf8
        )
        let tool = Self.normalized(
            try String(contentsOf: Self.root.appendingPathComponent("Examples/DealTool/main.swift"), encoding: .utf8)
        )
        let blocks = article.components(separatedBy: "```swift\n").dropFirst().map { part in
            Self.normalized(part.components(separatedBy: "```").first ?? "")
        }
        #expect(blocks.count >= 8)
        var covered = Set<Int>()
        for block in blocks {
            let start = tool.indices.first { start in
                start + block.count <= tool.count && Array(tool[start..<start + block.count]) == block
            }
            #expect(start != nil, "not in Examples/DealTool/main.swift:\n\(block.joined(separator: "\n"))")
            if let start {
                covered.formUnion(start..<start + block.count)
            }
        }
        // And the article shows the whole tool, apart from the file's opening comment.
        let header = tool.prefix { $0.hasPrefix("//") }.count
        let missing = tool.indices.dropFirst(header).filter { !covered.contains($0) }.map { tool[$0] }
        #expect(missing.isEmpty, "lines of the tool the article does not show: \(missing)")
    }

    @Test("the example tool runs against a fresh dealsd with no settings but the environment")
    func exampleRuns() async throws {
        let daemon = try DealDaemonProcess.start(dataDirectory: try DealDaemonProcess.makeDataDirectory())
        defer { daemon.remove() }
        let binary = try #require(DealDaemonProcess.binaryPath("dealclient-example"))
        // Bounded: a tool still running after 60 s is stopped, and the test fails on its exit status.
        let result = try await DealExternalProcess.run(
            [binary],
            timeoutSeconds: 60,
            environment: daemon.environment,
            directory: try DealTemporaryDirectory(prefix: "dealclient-example")
        )
        let text = result.combined
        #expect(result.status == 0, "\(text)")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("amazon deal: amazon-anthropic-2023 ") })
        #expect(lines.contains { $0.hasPrefix("created: ") && $0.hasSuffix(" $12.5M") })
        #expect(lines.contains("updated: $15M"))
        #expect(lines.contains("stale etag refused: ABORTED"))
        #expect(lines.contains { $0.hasPrefix("watched: revision ") && $0.hasSuffix(" updated $15M") })
        #expect(lines.contains { $0.hasPrefix("total: Amazon ") })
        #expect(lines.contains { $0.hasPrefix("missing: ") && $0.contains("no-such-deal") })
    }
}
