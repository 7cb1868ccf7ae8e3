import DealClient
import DealModel
import DealProtocol
import Foundation

/// Setup through the ordinary async client (not measured): preloading records and finding stored ids.
struct DealBenchSetup {
    let client: DealClient

    /// Imports the bench organizations and deals `0..<count` (existing ids are skipped), in calls of `chunk`.
    func preload(count: Int, chunk: Int = 50_000) async throws {
        let started = ContinuousClock.now
        var records = DealBenchDealGenerator.organizations().map { organization in
            var record = Dealstore_V1_DealRecord()
            record.organization = organization
            return record
        }
        var next = 0
        var created: UInt64 = 0
        var skipped: UInt64 = 0
        repeat {
            let upper = min(count, next + chunk)
            for index in next..<upper {
                var record = Dealstore_V1_DealRecord()
                record.deal = DealBenchDealGenerator.deal(index: index)
                records.append(record)
            }
            let response = try await self.client.importDeals(Self.stream(records))
            if let rejection = response.rejected.first {
                throw DealBenchError("preload: record \(rejection.index) rejected: \(rejection.reason)")
            }
            created += response.created
            skipped += response.skipped
            records.removeAll(keepingCapacity: true)
            next = upper
        } while next < count
        let seconds = Self.seconds(ContinuousClock.now - started)
        Self.log(
            "preload: \(count) deals: created \(created), skipped \(skipped) (already there) in "
                + String(format: "%.1f s (%.0f records/s)", seconds, Double(created + skipped) / max(seconds, 1e-9))
        )
    }

    /// Up to `limit` stored deal ids, paging through ListDeals.
    func discoverIDs(limit: Int) async throws -> [String] {
        var ids: [String] = []
        var request = Dealstore_V1_ListDealsRequest()
        request.pageSize = 1000
        repeat {
            let page = try await self.client.listDeals(request)
            ids.append(contentsOf: page.deals.map(\.id))
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty && ids.count < limit
        return ids
    }

    private static func stream(_ records: [Dealstore_V1_DealRecord]) -> AsyncStream<Dealstore_V1_DealRecord> {
        AsyncStream { continuation in
            for record in records { continuation.yield(record) }
            continuation.finish()
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func log(_ message: String) {
        FileHandle.standardError.write(Data(("[dealbench] " + message + "\n").utf8))
    }
}
