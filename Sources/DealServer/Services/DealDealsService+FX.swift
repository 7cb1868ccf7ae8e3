import DealModel
import DealProtocol
import DealStore

extension DealDealsService {
    /// GetFXTable: the table in use, described.
    func getFXTable(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (_: Dealstore_V1_GetFXTableRequest) in
            let (table, origin) = store.fxTableInUse
            return (Self.info(table, origin: origin), store.revision)
        }
    }

    /// ImportFXRates: reads the CSV and replaces the table, durably (``DealStore/importFXRates(csv:source:label:retrieved:validateOnly:)``).
    ///
    /// Runs on the event loop like the other unary calls: the write is one file of a few hundred kilobytes,
    /// synced once, and imports are rare operator actions.
    func importFXRates(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_ImportFXRatesRequest) in
            let table = try store.importFXRates(
                csv: [UInt8](request.csv),
                source: request.source,
                label: request.label,
                retrieved: request.retrieved,
                validateOnly: request.validateOnly
            )
            // What the table would be once imported: the store's file.
            return (Self.info(table, origin: .file), store.revision)
        }
    }

    static func info(_ table: DealFXTable, origin: DealFXTableOrigin) -> Dealstore_V1_FXTableInfo {
        var info = Dealstore_V1_FXTableInfo()
        info.label = table.sourceLabel
        info.source = table.provenance("source") ?? ""
        info.retrieved = table.provenance("retrieved") ?? ""
        info.firstDate = table.provenance("first-date") ?? ""
        info.lastDate = table.provenance("last-date") ?? ""
        info.currencies = table.currencies
        info.dayCount = UInt32(clamping: table.dayCount)
        info.rateCount = UInt32(clamping: table.rateCount)
        info.origin = origin.rawValue
        info.provenance = table.provenance.map { "\($0.key): \($0.value)" }
        return info
    }
}
