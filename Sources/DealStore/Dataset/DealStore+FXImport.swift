public import DealModel
import Logging
import Synchronization

/// Where the FX table in use comes from.
public enum DealFXTableOrigin: String, Sendable {
    /// The table bundled with DealStore (``DealFXRates/bundled``).
    case bundled
    /// The store's `fx-rates.dfx`: imported with ImportFXRates, or written there by the operator.
    case file
}

extension DealStore {
    /// The FX table in use and where it comes from.
    public var fxTableInUse: (table: DealFXTable, origin: DealFXTableOrigin) {
        let table = self.fxTable
        let path = self.directory + "/" + DealFXRates.fileName
        return (table, DealFileIO.fileSize(path) == nil ? .bundled : .file)
    }

    /// Replaces the FX table with the one read from `csv` (the ECB's eurofxref-hist layout, see ``DealFXCSV``),
    /// durably, and returns it; with `validateOnly`, reads and returns it without replacing anything.
    ///
    /// Durable as the store's `fx-rates.dfx` (written beside it, synced, renamed over it, the directory synced):
    /// the file a restart reads (``DealFXRates``), so a crash leaves the old table or the new one, never a mix.
    /// Why a file rather than a log record: the table (about 430 KB for the ECB's whole history) is not a record
    /// of the change feed, and a log record would have to be carried by every snapshot to survive compaction.
    /// Every query from the return on converts with the new table (one table per answer); the import holds the
    /// table's lock while it writes, so two imports land in the order they took it.
    ///
    /// Refused with ``DealStoreError/Code/failedPrecondition`` on a cluster node (every node normalises with the
    /// bundled table, so that nodes agree), as every write on a closed or read-only store; bad input is ``DealStoreError/Code/invalidArgument`` naming the
    /// line and column.
    ///
    /// Reading up to 16 MiB of CSV and syncing the file are blocking work: they run on a thread of their own, so
    /// neither an event loop nor the concurrency pool waits for them, and the queries converting meanwhile keep the
    /// old table without waiting (imports are serialised apart from the lock that hands the table out).
    public func importFXRates(
        csv: [UInt8],
        source: String,
        label: String = "",
        retrieved: String = "",
        validateOnly: Bool = false
    ) async throws(DealStoreError) -> DealFXTable {
        do {
            return try await DealBlocking.run {
                try self.importFXRatesBlocking(
                    csv: csv,
                    source: source,
                    label: label,
                    retrieved: retrieved,
                    validateOnly: validateOnly
                )
            }
        } catch let error as DealStoreError {
            throw error
        } catch {
            throw DealStoreError(code: .internal, message: "the FX import failed: \(error)", cause: error)
        }
    }

    private func importFXRatesBlocking(
        csv: [UInt8],
        source: String,
        label: String,
        retrieved: String,
        validateOnly: Bool
    ) throws(DealStoreError) -> DealFXTable {
        let (table, bytes) = try DealFXCSV.table(csv: csv, source: source, label: label, retrieved: retrieved)
        if validateOnly { return table }
        if self.replica != nil {
            throw DealStoreError(
                code: .failedPrecondition,
                message: "a cluster node does not import FX rates: every node normalises with the table bundled with "
                    + "DealStore (Deploy/cluster.md); ImportFXRates replaces the table of a single dealsd"
            )
        }
        if let refusal = self.state.withLock({ $0.writeRefusal }) { throw refusal }
        let path = self.directory + "/" + DealFXRates.fileName
        let temporary = path + ".tmp"
        try self.fxImports.withLock { (_: inout Void) throws(DealStoreError) in
            do throws(DealIOError) {
                let fd = try DealFileIO.createTruncating(temporary)
                do throws(DealIOError) {
                    try DealFileIO.writeAll(fd, bytes, path: temporary)
                    try DealFileIO.fullSync(fd, path: temporary)
                } catch {
                    DealFileIO.closeFile(fd)
                    throw error
                }
                DealFileIO.closeFile(fd)
                try DealFileIO.rename(temporary, path)
                try DealFileIO.syncDirectory(self.directory)
            } catch {
                DealFileIO.remove(temporary)
                throw DealStoreError(
                    code: .internal,
                    message: "cannot write the FX table \(path): \(error); the table in use is unchanged",
                    cause: error
                )
            }
            self.fxTables.withLock { $0 = table }
        }
        self.logger.notice(
            "FX table replaced",
            metadata: ["label": "\(table.sourceLabel)", "days": "\(table.dayCount)", "rates": "\(table.rateCount)"]
        )
        return table
    }
}
