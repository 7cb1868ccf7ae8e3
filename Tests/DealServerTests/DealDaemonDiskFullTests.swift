import DealClient
import DealModel
import DealProtocol
import DealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A log write that fails part-way through a batch, for real: dealsd runs under a file size limit
/// (RLIMIT_FSIZE through `prlimit`, no privileges needed), so the kernel writes the batch up to the limit and then
/// fails the rest with EFBIG, like a disk that fills up in the middle of a write.
@Suite("dealsd on a full disk", .serialized)
struct DealDaemonDiskFullTests {
    static let prlimit = "/usr/bin/prlimit"

    static func lastSegment(in storeDirectory: String) throws -> (path: String, size: Int) {
        let names = try FileManager.default.contentsOfDirectory(atPath: storeDirectory)
            .filter { $0.hasPrefix("wal-") && $0.hasSuffix(".log") }.sorted()
        let name = try #require(names.last, "no log segment in \(storeDirectory)")
        let path = storeDirectory + "/" + name
        let size = try #require(
            (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        )
        return (path, size)
    }

    static func importRecords(_ count: Int) -> AsyncStream<Dealstore_V1_DealRecord> {
        AsyncStream { continuation in
            for index in 0..<count {
                var deal = DealTestRecords.deal(id: "refused-\(index)")
                deal.notes = String(repeating: "n", count: 500)
                var record = Dealstore_V1_DealRecord()
                record.deal = deal
                continuation.yield(record)
            }
            continuation.finish()
        }
    }

    static func exists(_ id: String, client: DealClient) async -> Bool {
        var request = Dealstore_V1_GetDealRequest()
        request.id = id
        return (try? await client.getDeal(request)) != nil
    }

    @Test(
        "a batch whose log write fails part-way is cut off the log: none of it comes back after a restart, every acknowledged write does",
        .timeLimit(.minutes(3))
    )
    func partialWriteIsCutOff() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.prlimit), "prlimit (util-linux) is needed")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-efbig-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/store"

        // First run, no limit: the data directory, the seed and one acknowledged write.
        let first = try DealDaemonProcess.start(dataDirectory: directory)
        try await withDealClient(configuration: DealDaemonProcessTests.client(first)) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "acknowledged-1"))
        }
        first.kill(SIGKILL)

        // Second run: room for a few more records in the log, then the limit. One import of 200 records is one
        // batch of about 130 KB: the kernel takes its first records whole and fails the rest.
        let segment = try Self.lastSegment(in: store)
        let limit = segment.size + 16 * 1024
        let limited = try DealDaemonProcess.start(
            dataDirectory: directory,
            launcher: [Self.prlimit, "--fsize=\(limit):\(limit)"]
        )
        try await withDealClient(configuration: DealDaemonProcessTests.client(limited)) { client in
            _ = try await client.createDeal(DealTestRecords.createRequest(id: "acknowledged-2"))
            var refused: DealRPCError?
            do {
                _ = try await client.importDeals(Self.importRecords(200))
            } catch let error as DealRPCError {
                refused = error
            }
            let error = try #require(refused, "the import was acknowledged although the log could not take it")
            #expect(error.code == .unavailable, "\(error)")
            #expect(error.message.contains("cut off the log"), "\(error.message)")
            // Still serving reads, without the refused records.
            #expect(await Self.exists("acknowledged-2", client: client))
            #expect(!(await Self.exists("refused-0", client: client)))
            let created = await DealServerAuthTests.code {
                _ = try await client.createDeal(DealTestRecords.createRequest(id: "after-failure"))
            }
            #expect(created == .unavailable, "the store must refuse writes after a failed log write")
        }
        #expect(limited.process.isRunning, "dealsd must not die of the file size limit (SIGXFSZ)")
        let cut = try Self.lastSegment(in: store)
        #expect(cut.size < limit, "the log still holds \(cut.size) bytes of a \(limit)-byte limit: not cut back")
        limited.kill(SIGKILL)

        // Third run, no limit: the acknowledged writes are there, and no refused one came back.
        let third = try DealDaemonProcess.start(dataDirectory: directory)
        defer { third.kill(SIGTERM) }
        try await withDealClient(configuration: DealDaemonProcessTests.client(third)) { client in
            #expect(await Self.exists("acknowledged-1", client: client))
            #expect(await Self.exists("acknowledged-2", client: client))
            var resurrected: [String] = []
            for index in 0..<200 where await Self.exists("refused-\(index)", client: client) {
                resurrected.append("refused-\(index)")
            }
            #expect(resurrected.isEmpty, "refused writes came back after a restart: \(resurrected.prefix(10))")
        }
    }
}
