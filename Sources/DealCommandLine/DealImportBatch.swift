import DealModel
import DealProtocol
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
                self.badLines.append((lineNumber, Self.describe(error)))
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? JSONDecodingError {
            return "not a DealRecord in the protobuf JSON mapping (\(error))"
        }
        return "not a DealRecord in the protobuf JSON mapping (\(error))"
    }

    /// The summary lines: bad lines, the counts, and every rejection with its line number, id and reason.
    public func summary(of response: Dealstore_V1_ImportDealsResponse) -> [String] {
        var lines: [String] = []
        for bad in self.badLines {
            lines.append("line \(bad.line): skipped, \(bad.reason)")
        }
        for rejection in response.rejected {
            let index = Int(rejection.index)
            let line = index < self.lineNumbers.count ? "line \(self.lineNumbers[index])" : "record \(index)"
            let id = rejection.id.isEmpty ? "" : " (\(rejection.id))"
            lines.append("\(line)\(id): rejected, \(rejection.reason)")
        }
        lines.append(
            "created \(response.created), updated \(response.updated), skipped \(response.skipped), "
                + "rejected \(response.rejected.count + self.badLines.count)"
                + (self.badLines.isEmpty ? "" : " (\(self.badLines.count) unreadable lines)")
                + (response.revision == 0 ? "" : "; store revision \(response.revision)")
        )
        return lines
    }
}
