import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `dealsd --postgres` process on a loopback port it picks itself, with a data directory of its own (its
/// CA and tokens; the records are in PostgreSQL).
final class DealClusterDaemon: Sendable {
    let process: Process
    let dataDirectory: String
    let port: Int
    let outputFile: String

    var caFile: String { self.dataDirectory + "/ca.pem" }

    var adminToken: String {
        ((try? String(contentsOfFile: self.dataDirectory + "/admin.token", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var client: DealClientConfiguration {
        var configuration = DealClientConfiguration(host: "127.0.0.1", port: self.port)
        configuration.trustRootsFile = self.caFile
        configuration.token = self.adminToken
        configuration.waitForConnectionTimeout = .seconds(1)
        return configuration
    }

    /// The `dealsd` binary built beside the test bundle (the test target depends on it).
    static func binaryPath() -> String? {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        candidates.append(CommandLine.arguments[0])
        for candidate in candidates {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<5 {
                let path = directory.appendingPathComponent("dealsd").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `dealsd --postgres conninfo` on 127.0.0.1:0 and waits until it announces its port.
    static func start(dataDirectory: String, conninfo: String) throws -> DealClusterDaemon {
        guard let binary = Self.binaryPath() else {
            throw StartError(description: "dealsd binary not found next to the test bundle")
        }
        let outputFile = dataDirectory + ".out-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        _ = FileManager.default.createFile(atPath: outputFile + ".err", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--data-dir", dataDirectory, "--listen", "127.0.0.1:0", "--log-level", "notice", "--postgres", conninfo,
        ]
        process.standardOutput = FileHandle(forWritingAtPath: outputFile)
        process.standardError = FileHandle(forWritingAtPath: outputFile + ".err")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: "serving on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    return DealClusterDaemon(
                        process: process,
                        dataDirectory: dataDirectory,
                        port: port,
                        outputFile: outputFile
                    )
                }
            }
            if !process.isRunning {
                let errors = (try? String(contentsOfFile: outputFile + ".err", encoding: .utf8)) ?? ""
                throw StartError(description: "dealsd exited with \(process.terminationStatus): \(text) \(errors)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.terminate()
        throw StartError(description: "dealsd did not announce its port within 60 s")
    }

    private init(process: Process, dataDirectory: String, port: Int, outputFile: String) {
        self.process = process
        self.dataDirectory = dataDirectory
        self.port = port
        self.outputFile = outputFile
    }

    /// What dealsd logged (its standard error).
    var errorOutput: String {
        (try? String(contentsOfFile: self.outputFile + ".err", encoding: .utf8)) ?? ""
    }

    func kill(_ signal: Int32) {
        Glibc.kill(self.process.processIdentifier, signal)
        self.process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: self.outputFile)
        try? FileManager.default.removeItem(atPath: self.outputFile + ".err")
    }

    /// The revision the node serves reads at (GetServerInfo).
    func revision() async throws -> UInt64 {
        try await withDealClient(configuration: self.client) { client in
            try await client.getServerInfo(Dealstore_V1_GetServerInfoRequest()).storeRevision
        }
    }

    /// Waits until the node has applied `revision`; fails after `timeout`.
    func waitForRevision(_ revision: UInt64, timeout: Duration = .seconds(30)) async throws {
        try await DealWait.until("node on port \(self.port) applying revision \(revision)", timeout: timeout) {
            ((try? await self.revision()) ?? 0) >= revision
        }
    }

    /// The node's health (status and reason).
    func health() async throws -> Dealstore_V1_HealthCheckResponse {
        try await withDealClient(configuration: self.client) { client in
            try await client.healthCheck(Dealstore_V1_HealthCheckRequest())
        }
    }
}

/// Small valid records against the bundled organizations.
enum DealClusterRecords {
    static func usd(_ units: Int64) -> Dealstore_V1_Money {
        var money = Dealstore_V1_Money()
        money.currencyCode = "USD"
        money.units = units
        return money
    }

    static func createRequest(id: String, amount: Int64 = 1_000_000) -> Dealstore_V1_CreateDealRequest {
        var deal = Dealstore_V1_Deal()
        deal.id = id
        deal.targetID = "anthropic"
        deal.type = .corporateStrategic
        deal.status = .announced
        deal.title = "cluster deal \(id)"
        deal.announced.year = 2024
        deal.announced.month = 5
        deal.announced.precision = .month
        deal.amount = Self.usd(amount)
        var participation = Dealstore_V1_Participation()
        participation.investorID = "amazon"
        participation.role = .lead
        participation.committed = Self.usd(amount)
        deal.participations = [participation]
        var request = Dealstore_V1_CreateDealRequest()
        request.deal = deal
        return request
    }
}
