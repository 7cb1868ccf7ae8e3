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
    /// Off the event loop: parsing up to 16 MiB and syncing a file would hold every other call on this loop (the
    /// store runs both on a thread of its own).
    func importFXRates(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        let runner = self.runner
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_ImportFXRatesRequest) in
            runner.submit {
                do {
                    let table = try await store.importFXRates(
                        csv: [UInt8](request.csv),
                        source: request.source,
                        label: request.label,
                        retrieved: request.retrieved,
                        validateOnly: request.validateOnly
                    )
                    // What the table would be once imported: the store's file.
                    let revision = store.revision
                    writer.respond(Self.info(table, origin: .file), revision: revision)
                } catch {
                    writer.finish(error)
                }
            }
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
