public import DealModel
public import DealProtocol
import Foundation
import SwiftProtobuf

/// The records of a JSON Lines import file, each with its line number, and the lines that could not be read.
///
/// Blank lines are skipped. A line that is not a ``Dealstore_V1_DealRecord`` in the protobuf JSON mapping is kept in
/// ``badLines`` with its 1-based line number and never sent.
public struct DealImportBatch: Sendable {
    /// The readable records, in file order.
    public var records: [Dealstore_V1_DealRecord] = []
    /// The 1-based line number of each record in ``records``.
    public var lineNumbers: [Int] = []
    /// Unreadable lines: 1-based line number and why.
    public var badLines: [(line: Int, reason: String)] = []

    /// Parses JSON Lines text.
    public init(jsonLines text: String) {
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty {
                continue
            }
            do {
                let record = try Dealstore_V1_DealRecord(jsonString: trimmed)
                guard record.record != nil else {
                    self.badLines.append((lineNumber, "neither \"organization\" nor \"deal\""))
                    continue
                }
                self.records.append(record)
                self.lineNumbers.append(lineNumber)
            } catch {
                self.badLines.append((lineNumber, Self.describe(error, line: trimmed)))
            }
        }
    }

    private static func describe(_ error: any Error, line: String) -> String {
        // SwiftProtobuf's errors say little ("failure") for text that is not JSON at all; say that plainly.
        guard (try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any] else {
            return "not a JSON object"
        }
        return "not a DealRecord in the protobuf JSON mapping (\(error))"
    }

    /// The summary lines: bad lines, the counts, and every rejection with its line number, id and reason.
    public func summary(of response: Dealstore_V1_ImportDealsResponse) -> [String] {
        var numbered: [(line: Int, text: String)] = []
        for bad in self.badLines {
            numbered.append((bad.line, "line \(bad.line): skipped, \(bad.reason)"))
        }
        for rejection in response.rejected {
            // The index comes from the server: one past Int.max names no line rather than trapping.
            let index = Int(clamping: rejection.index)
            let lineNumber = index < self.lineNumbers.count ? self.lineNumbers[index] : 0
            let line = lineNumber > 0 ? "line \(lineNumber)" : "record \(index)"
            let id = rejection.id.isEmpty ? "" : " (\(rejection.id))"
            numbered.append((lineNumber, "\(line)\(id): rejected, \(rejection.reason)"))
        }
        // In file order, so people can walk through the file fixing lines from the top.
        var lines = numbered.sorted { $0.line < $1.line }.map(\.text)
        lines.append(
            "created \(response.created), updated \(response.updated), skipped \(response.skipped), "
                + "rejected \(response.rejected.count + self.badLines.count)"
                + (self.badLines.isEmpty ? "" : " (\(DealViews.count(self.badLines.count, "unreadable line")))")
                + (response.revision == 0 ? "" : "; store revision \(response.revision)")
        )
        return lines
    }
}
