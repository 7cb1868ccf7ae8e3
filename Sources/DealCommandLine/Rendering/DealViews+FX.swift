public import DealProtocol

extension DealViews {
    /// An FX table (GetFXTable, ImportFXRates): where its rates come from, its dates and currencies.
    public static func fxTable(_ info: Dealstore_V1_FXTableInfo) -> DealOutputDocument {
        let rows: [[String]] = [
            ["label", info.label],
            ["origin", info.origin == "bundled" ? "bundled with DealStore" : "the store's fx-rates.dfx"],
            ["source", info.source],
            ["retrieved", info.retrieved],
            ["dates", "\(info.firstDate) to \(info.lastDate) (\(info.dayCount) days, \(info.rateCount) rates)"],
            ["currencies", info.currencies.joined(separator: " ")],
        ]
        return DealOutputDocument(
            columns: [.init("field"), .init("value", flexible: true)],
            tableRows: rows,
            csvHeader: [
                "label", "origin", "source", "retrieved", "first_date", "last_date", "days", "rates", "currencies",
            ],
            csvRows: [
                [
                    info.label, info.origin, info.source, info.retrieved, info.firstDate, info.lastDate,
                    String(info.dayCount), String(info.rateCount), info.currencies.joined(separator: " "),
                ]
            ],
            records: [info],
            isSingleRecord: true
        )
    }
}
