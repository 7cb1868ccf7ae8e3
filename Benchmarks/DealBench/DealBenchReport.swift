import Foundation
import Histogram

/// One run's figures: the printed line and the `--json` object.
struct DealBenchReport: Codable, Sendable {
    var operation: String
    var connections: Int
    var inFlight: Int
    var durationSeconds: Double
    var callsPerSecond: Double
    var p50Micros: Double
    var p99Micros: Double
    var p999Micros: Double
    var maxMicros: Double
    var calls: Int
    var errors: Int
    var errorCodes: [String: Int]
    var firstError: String?
    var label: String?
    var load: String

    init(
        operation: String,
        connections: Int,
        inFlight: Int,
        duration: Double,
        result: DealBenchConnectionResult,
        label: String?
    ) {
        self.operation = operation
        self.connections = connections
        self.inFlight = inFlight
        self.durationSeconds = duration
        self.callsPerSecond = Double(result.succeeded) / duration
        let histogram = result.histogram
        self.p50Micros = Double(histogram.valueAtPercentile(50)) / 1000
        self.p99Micros = Double(histogram.valueAtPercentile(99)) / 1000
        self.p999Micros = Double(histogram.valueAtPercentile(99.9)) / 1000
        self.maxMicros = Double(histogram.max) / 1000
        self.calls = result.succeeded
        self.errors = result.errors
        self.errorCodes = Dictionary(uniqueKeysWithValues: result.errorCodes.map { ("\($0.key)", $0.value) })
        self.firstError = result.firstError
        self.label = label
        self.load = Self.loadAverage()
    }

    /// The line printed per run, in the references' `key=value` style.
    var line: String {
        var line =
            "dealbench \(self.operation) conns=\(self.connections) inflight=\(self.inFlight)"
            + " rps=\(Int(self.callsPerSecond.rounded()))"
            + " p50_us=\(Self.format(self.p50Micros)) p99_us=\(Self.format(self.p99Micros))"
            + " p999_us=\(Self.format(self.p999Micros)) errors=\(self.errors)"
        if let label = self.label { line += " \(label)" }
        line += " load=\(self.load)"
        if let firstError = self.firstError { line += " first_error=\"\(firstError)\"" }
        return line
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func format(_ micros: Double) -> String {
        micros >= 100 ? String(Int(micros.rounded())) : String(format: "%.1f", micros)
    }

    private static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return text.split(separator: " ").prefix(1).joined()
    }
}
