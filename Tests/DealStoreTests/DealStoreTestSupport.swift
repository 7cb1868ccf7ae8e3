import DealModel
import DealStore
import Foundation
import Logging

/// A fresh temporary directory, removed when the test is done with it.
final class TemporaryDirectory {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path
        self.path = base + "/dealstore-test-" + UUID().uuidString.prefix(8).lowercased()
        try? FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.path)
    }
}

enum TestStores {
    /// The store error `body` throws, or nil when it succeeds or throws anything else.
    static func failure(_ body: () async throws -> Void) async -> DealStoreError? {
        do {
            try await body()
            return nil
        } catch let error as DealStoreError {
            return error
        } catch {
            return nil
        }
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "DealStoreTests")
        logger.logLevel = .critical
        return logger
    }()

    static func open(
        _ path: String,
        seed: Bool = false,
        fsync: DealFsyncPolicy = .none,
        segmentSize: Int = 64 << 20,
        snapshotEvery: Int = 0
    ) async throws -> DealStore {
        try await DealStore.open(
            directory: path,
            options: DealStoreOptions(
                fsyncPolicy: fsync,
                segmentSize: segmentSize,
                snapshotEvery: snapshotEvery,
                seedIfEmpty: seed
            ),
            logger: Self.quietLogger
        )
    }

    static func organization(_ id: String, name: String? = nil, aliases: [String] = []) -> Dealstore_V1_Organization {
        var organization = Dealstore_V1_Organization()
        organization.id = id
        organization.name = name ?? id.capitalized
        organization.aliases = aliases
        organization.kind = .company
        return organization
    }

    static func usd(_ units: Int64, nanos: Int32 = 0, currency: String = "USD") -> Dealstore_V1_Money {
        var money = Dealstore_V1_Money()
        money.currencyCode = currency
        money.units = units
        money.nanos = nanos
        return money
    }

    static func deal(
        _ id: String,
        target: String = "target",
        investor: String = "investor",
        amount: Int64 = 1_000,
        currency: String = "USD",
        year: Int32 = 2023,
        month: Int32 = 6,
        type: Dealstore_V1_DealType = .venture
    ) -> Dealstore_V1_Deal {
        var deal = Dealstore_V1_Deal()
        deal.id = id
        deal.targetID = target
        deal.type = type
        deal.status = .announced
        deal.title = "Deal \(id)"
        deal.amount = Self.usd(amount, currency: currency)
        var date = Dealstore_V1_PartialDate()
        date.year = year
        date.month = month
        date.precision = .month
        deal.announced = date
        var participation = Dealstore_V1_Participation()
        participation.investorID = investor
        participation.role = .lead
        participation.committed = Self.usd(amount, currency: currency)
        deal.participations = [participation]
        return deal
    }

    /// Runs `body` with a fresh store in a temporary directory, then closes it.
    static func withStore<T>(seed: Bool = false, _ body: (DealStore) async throws -> T) async throws -> T {
        let directory = TemporaryDirectory()
        let store = try await Self.open(directory.path, seed: seed)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// A store with organizations `target`, `investor`, `other` and no deals.
    static func basic(_ path: String) async throws -> DealStore {
        let store = try await Self.open(path)
        for id in ["target", "investor", "other"] {
            _ = try await store.createOrganization(Self.organization(id))
        }
        return store
    }
}
