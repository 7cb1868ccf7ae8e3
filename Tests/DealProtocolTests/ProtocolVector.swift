import Foundation
import NIOCore

/// One file of Protocol/vectors, parsed.
struct ProtocolVector: CustomStringConvertible, Sendable {
    var name: String
    var summary: String
    var expectedError: String?
    var maximumFrameSize: Int?
    /// The frames as written, one entry per hex line.
    var frames: [[UInt8]]

    var bytes: [UInt8] {
        self.frames.flatMap { $0 }
    }

    var description: String {
        self.name
    }

    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")

    static func load(_ folder: String) -> [ProtocolVector] {
        let dir = Self.directory.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".hex") }.sorted().map { name in
            let text = (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return Self.parse(name: String(name.dropLast(4)), text: text)
        }
    }

    static func parse(name: String, text: String) -> ProtocolVector {
        var vector = ProtocolVector(name: name, summary: "", frames: [])
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# error: ") {
                vector.expectedError = String(line.dropFirst("# error: ".count))
            } else if line.hasPrefix("# max-frame-size: ") {
                vector.maximumFrameSize = Int(line.dropFirst("# max-frame-size: ".count))
            } else if line.hasPrefix("# ") {
                vector.summary = String(line.dropFirst(2))
            } else {
                let hex = line.filter { !$0.isWhitespace }
                var bytes: [UInt8] = []
                var index = hex.startIndex
                while index < hex.endIndex {
                    let next = hex.index(index, offsetBy: 2)
                    bytes.append(UInt8(hex[index..<next], radix: 16)!)
                    index = next
                }
                vector.frames.append(bytes)
            }
        }
        return vector
    }
}
