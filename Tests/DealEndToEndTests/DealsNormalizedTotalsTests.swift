import DealTestSupport
import Foundation
import Testing

/// `deals totals` normalised into one currency over deals in USD and EUR, and a SAFE recorded through import.
@Suite("deals totals in one currency", .serialized, .timeLimit(.minutes(2)))
struct DealsNormalizedTotalsTests {
    /// Two investors: `fx-alpha` in a USD and a EUR deal, `fx-beta` in the EUR deal; a SAFE with its terms.
    static let file =
        [
            #"{"organization": {"id": "fx-co", "name": "FX Co", "kind": "ORGANIZATION_KIND_COMPANY"}}"#,
            #"{"organization": {"id": "fx-alpha", "name": "FX Alpha", "kind": "ORGANIZATION_KIND_INVESTMENT_FIRM"}}"#,
            #"{"organization": {"id": "fx-beta", "name": "FX Beta", "kind": "ORGANIZATION_KIND_INVESTMENT_FIRM"}}"#,
            #"{"deal": {"id": "fx-usd", "targetId": "fx-co", "status": "DEAL_STATUS_ANNOUNCED", "#
                + #""announced": {"year": 2023, "month": 10, "day": 27, "precision": "DATE_PRECISION_DAY"}, "#
                + #""amount": {"currencyCode": "USD", "units": "100000000"}, "participations": [{"investorId": "fx-alpha", "#
                + #""committed": {"currencyCode": "USD", "units": "100000000"}}]}}"#,
            #"{"deal": {"id": "fx-eur", "targetId": "fx-co", "status": "DEAL_STATUS_ANNOUNCED", "#
                + #""announced": {"year": 2023, "month": 10, "day": 27, "precision": "DATE_PRECISION_DAY"}, "#
                + #""amount": {"currencyCode": "EUR", "units": "60000000"}, "participations": ["#
                + #"{"investorId": "fx-alpha", "committed": {"currencyCode": "EUR", "units": "50000000"}}, "#
                + #"{"investorId": "fx-beta", "committed": {"currencyCode": "EUR", "units": "10000000"}}]}}"#,
            #"{"deal": {"id": "fx-safe", "targetId": "fx-co", "roundLabel": "pre-seed SAFE", "#
                + #""stage": "DEAL_STAGE_PRE_SEED", "kind": "DEAL_KIND_PRIMARY", "instrument": {"kind": "#
                + #""INSTRUMENT_KIND_SAFE", "valuationCap": {"currencyCode": "USD", "units": "10000000"}, "#
                + #""discount": {"numerator": "1", "denominator": "5"}, "postMoney": true}, "#
                + #""announced": {"year": 2024, "month": 3, "precision": "DATE_PRECISION_MONTH"}, "#
                + #""amount": {"currencyCode": "USD", "units": "500000"}, "participations": [{"investorId": "fx-beta", "#
                + #""committed": {"currencyCode": "USD", "units": "500000"}}]}}"#,
        ].joined(separator: "\n") + "\n"

    @Test("totals --by investor prints one normalised total per investor with the rates used")
    func totalsByInvestor() async throws {
        try await DealEndToEndServer.withServer { server in
            let deals = server.deals
            let path = try server.sandbox.write(Self.file, to: "fx.jsonl")
            let imported = try await deals.run(["import", path])
            #expect(imported.status == 0, "\(imported)")

            let table = try await deals.run([
                "totals", "--by", "investor", "--investor", "fx-alpha", "--investor", "fx-beta",
            ])
            #expect(table.status == 0, "\(table)")
            let lines = table.output.split(separator: "\n").map(String.init)
            // fx-alpha: $100M + €50M at 1.0541 = $152.705M, one row; fx-beta: €10M = $10.541M + $500K.
            let alpha = try #require(lines.first { $0.hasPrefix("FX Alpha") }, "\(table)")
            #expect(alpha.contains("$152.71M"), "\(table)")
            #expect(lines.filter { $0.hasPrefix("FX Alpha") }.count == 1, "\(table)")
            let beta = try #require(lines.first { $0.hasPrefix("FX Beta") }, "\(table)")
            #expect(beta.contains("$11.04M"), "\(table)")
            #expect(table.output.contains("1 EUR = 1.0541 USD on 2023-10-27"), "\(table)")
            #expect(table.output.contains("ECB eurofxref-hist, retrieved 2026-10-31"), "\(table)")

            let csv = try await deals.run(
                ["totals", "--by", "investor", "--investor", "fx-alpha", "--currency", "EUR", "-o", "csv"]
            )
            #expect(csv.status == 0, "\(csv)")
            let (header, rows) = try DealCSV.table(csv.output)
            #expect(Array(header.prefix(6)) == ["key", "label", "deal_count", "currency", "committed", "funded"])
            let row = try #require(rows.first { $0["key"] == "fx-alpha" }, "\(csv)")
            // €50M + $100M / 1.0541 (rounded half-even to the nano).
            #expect(row["committed"] == "144867659.614837302", "\(csv)")
            #expect(row["currency"] == "EUR", "\(csv)")
            #expect(row["unconverted_count"] == "0", "\(csv)")

            let native = try await deals.run([
                "totals", "--by", "investor", "--investor", "fx-alpha", "--native", "-o", "csv",
            ])
            let (_, nativeRows) = try DealCSV.table(native.output)
            #expect(
                nativeRows.filter { $0["key"] == "fx-alpha" }.compactMap { $0["currency"] }.sorted() == ["EUR", "USD"],
                "\(native)"
            )

            // --min is in the totals' currency: the EUR deal's $63M passes a $60M bound.
            let filtered = try await deals.run(["totals", "--by", "target", "--min", "60M", "-o", "csv"])
            let (_, targetRows) = try DealCSV.table(filtered.output)
            let co = try #require(targetRows.first { $0["key"] == "fx-co" }, "\(filtered)")
            #expect(co["deal_count"] == "2", "\(filtered)")

            let safe = try await deals.run(["get", "fx-safe", "-o", "json"])
            let instrument = try #require(try safe.jsonObject()["instrument"] as? [String: Any], "\(safe)")
            #expect(instrument["kind"] as? String == "INSTRUMENT_KIND_SAFE", "\(safe)")
            #expect(instrument["postMoney"] as? Bool == true, "\(safe)")
        }
    }
}
