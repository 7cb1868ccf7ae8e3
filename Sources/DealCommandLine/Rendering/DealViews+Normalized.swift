public import DealModel

extension DealViews {
    /// Totals normalised into one currency: one row per group with the converted committed and funded sums, the
    /// amounts that could not be converted (with their native totals), and under the table every rate used.
    ///
    /// Every group's figures come from the server's `normalized` totals; the native per-currency figures stay in
    /// the JSON records and are printed by `deals totals --native`.
    public static func normalizedTotals(
        _ groups: [Dealstore_V1_SummaryGroup],
        currency: String,
        funded: Bool
    ) -> DealOutputDocument {
        func measure(_ total: Dealstore_V1_NormalizedTotal) -> Dealstore_V1_Money {
            funded ? total.funded : total.committed
        }
        let largest = groups.map { Self.approximate(measure($0.normalized)) }.max() ?? 0
        var tableRows: [[String]] = []
        var csvRows: [[String]] = []
        var rates: [String: Dealstore_V1_FXRate] = [:]
        for group in groups {
            let total = group.normalized
            let label = group.label.isEmpty ? group.key : group.label
            let fraction = largest > 0 ? Self.approximate(measure(total)) / largest : 0
            let unconverted =
                total.unconvertedCount == 0
                ? ""
                : "\(total.unconvertedCount): "
                    + total.unconverted.map { Self.money($0.committed) }.joined(separator: " + ")
            tableRows.append([
                label, "\(group.dealCount)",
                (total.committedSaturated ? "≥" : "") + Self.money(total.committed),
                (total.fundedSaturated ? "≥" : "") + Self.money(total.funded),
                unconverted,
                DealTableRenderer.bar(fraction: fraction, width: Self.barWidth),
            ])
            for rate in total.rates {
                rates["\(rate.fromCurrency)/\(rate.toCurrency)/\(DealDateFormatter.formatISO(rate.date))"] = rate
            }
            csvRows.append([
                group.key, group.label, "\(group.dealCount)", currency,
                (total.committedSaturated ? ">=" : "") + DealMoneyFormatter.plainDecimal(total.committed),
                (total.fundedSaturated ? ">=" : "") + DealMoneyFormatter.plainDecimal(total.funded),
                "\(total.convertedCount)", "\(total.unconvertedCount)",
                total.unconverted.map { "\($0.currencyCode) \(DealMoneyFormatter.plainDecimal($0.committed))" }
                    .joined(separator: ";"),
                total.rates.map(Self.rateText).joined(separator: ";"),
            ])
        }
        var document = DealOutputDocument(
            columns: [
                .init("group"), .init("deals", alignment: .right),
                // The currency is in the cells ($4B, €1.2B) and the footer; the names stay those of --native.
                .init("committed", alignment: .right), .init("funded", alignment: .right),
                .init("unconverted"), .init(""),
            ],
            tableRows: tableRows,
            csvHeader: [
                "key", "label", "deal_count", "currency", "committed", "funded", "converted_count",
                "unconverted_count", "unconverted", "rates",
            ],
            csvRows: csvRows,
            records: groups
        )
        let sorted = rates.keys.sorted().compactMap { rates[$0] }
        var footer =
            sorted.isEmpty
            ? "\nTotals in \(currency); every amount was already in \(currency), no rate used."
            : "\nTotals in \(currency). Rates used (\(sorted.count)):\n"
                + sorted.map { "  " + Self.rateText($0) }.joined(separator: "\n")
        if let source = sorted.first?.source { footer += "\nSource: \(source)." }
        footer += "\nNative figures: deals totals --native."
        // Several lines under the table: a custom table (a footer is one line), as the timeline's valuations.
        document.customTable = DealTableRenderer(columns: document.columns).render(tableRows) + footer + "\n"
        return document
    }

    /// `1 EUR = 1.0566 USD on 2023-10-27 (EUR 1 per EUR, USD 1.0566 per EUR)`.
    static func rateText(_ rate: Dealstore_V1_FXRate) -> String {
        "1 \(rate.fromCurrency) = \(rate.rate) \(rate.toCurrency) on \(DealDateFormatter.formatISO(rate.date))"
            + " (ECB: \(rate.fromPerEuro) \(rate.fromCurrency)/EUR, \(rate.toPerEuro) \(rate.toCurrency)/EUR)"
    }
}
