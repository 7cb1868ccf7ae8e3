import DealTestSupport
import Foundation
import Testing

/// The money parser through the real binary: `list --min`, `add --amount`, and garbage.
@Suite("deals money parsing", .sharedServer, .timeLimit(.minutes(2)))
struct DealsMoneyParserTests {
    struct Form: Sendable, CustomTestStringConvertible {
        var text: String
        var value: DealMoneyValue

        init(_ text: String, _ units: Int64, _ currency: String = "USD", nanos: Int32 = 0) {
            self.text = text
            self.value = DealMoneyValue(currency, units: units, nanos: nanos)
        }

        var testDescription: String { "\"\(self.text)\" = \(self.value)" }
    }

    /// The forms the README and `deals --help` promise, and a few more from the parser's documentation.
    static let accepted: [Form] = [
        Form("1.25B", 1_250_000_000),
        Form("$4bn", 4_000_000_000),
        Form("300M", 300_000_000),
        Form("2.75 billion", 2_750_000_000),
        Form("1,25 Md$", 1_250_000_000),
        Form("10 milliards", 10_000_000_000),
        Form("300 millions", 300_000_000),
        Form("2 milliards de dollars", 2_000_000_000),
        Form("4 000 000", 4_000_000),
        Form("4,000,000", 4_000_000),
        Form("US$ 500M", 500_000_000),
        Form("€2.5M", 2_500_000, "EUR"),
        Form("1.5B CHF", 1_500_000_000, "CHF"),
        Form("10 milliards d'euros", 10_000_000_000, "EUR"),
        Form("1.5K", 1_500),
        Form("0.5", 0, nanos: 500_000_000),
    ]

    static let garbage = ["lots", "1.2.3B", "12 abc", "$", "4 00 0", "5 zillion", "1B 2M", "$4 EUR", "-", "1e9"]

    /// The bundled deals' headline amounts, all in USD.
    static let seed = DealsReadCommandsTests.seedAmounts

    /// A deal id made from `text` that is the same in every run (FNV-1a of its bytes).
    static func identifier(_ prefix: String, _ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return prefix + "-" + String(hash, radix: 16)
    }

    @Test("list --min accepts each form and filters by its exact value", arguments: Self.accepted)
    func minimumFilter(_ form: Form) async throws {
        let deals = try DealEndToEndServer.shared.deals
        let result = try await deals.run(["list", "--min", form.text, "-o", "json"])
        #expect(result.status == 0, "\(result)")
        // Deals other tests of this suite add have financial-times as their target; look only at the bundled ones.
        let ids = try result.jsonArray().filter { $0["targetId"] as? String != "financial-times" }
            .compactMap { $0["id"] as? String }.sorted()
        let expected =
            form.value.currency == "USD"
            ? Self.seed.filter {
                $0.value > form.value.units || ($0.value == form.value.units && form.value.nanos == 0)
            }
            .keys.sorted()
            : []
        #expect(ids == expected, "\(result)")
    }

    @Test("add --amount stores each form's exact value", arguments: Self.accepted)
    func addAmount(_ form: Form) async throws {
        let deals = try DealEndToEndServer.shared.deals
        let id = Self.identifier("money", form.text)
        let added = try await deals.run([
            "add", "--id", id, "--target", "financial-times", "--investor", "techcrunch", "--amount", form.text,
            "--announced", "2024", "-o", "json",
        ])
        #expect(added.status == 0, "\(added)")
        #expect(DealMoneyValue(json: try added.jsonObject()["amount"]) == form.value, "\(added)")

        let stored = try await deals.run(["get", id, "-o", "json"])
        #expect(stored.status == 0, "\(stored)")
        let deal = try stored.jsonObject()
        #expect(DealMoneyValue(json: deal["amount"]) == form.value, "\(stored)")
        // With one investor, its commitment is the amount.
        let participation = (deal["participations"] as? [[String: Any]])?.first
        #expect(DealMoneyValue(json: participation?["committed"]) == form.value, "\(stored)")
    }

    @Test("garbage amounts: exit 2 and one line naming the input", arguments: Self.garbage)
    func garbageAmount(_ text: String) async throws {
        let deals = try DealEndToEndServer.shared.deals
        let list = try await deals.run(["list", "--min", text])
        #expect(list.status == 2, "\(list)")
        #expect(list.output.isEmpty, "\(list)")
        #expect(list.error.hasPrefix("deals: invalid amount \"\(text)\""), "\(list)")
        #expect(list.error.filter { $0 == "\n" }.count == 1, "not one line: \(list)")

        let id = Self.identifier("garbage", text)
        let add = try await deals.run([
            "add", "--id", id, "--target", "financial-times", "--investor", "techcrunch", "--amount", text,
        ])
        #expect(add.status == 2, "\(add)")
        #expect(add.error.hasPrefix("deals: invalid amount \"\(text)\""), "\(add)")
        #expect(add.error.filter { $0 == "\n" }.count == 1, "not one line: \(add)")
        #expect(try await deals.run(["get", id]).status == 3, "a deal with a bad amount was stored")
    }

    @Test("the amount parser also reads update --set amount= and --max")
    func updateAndMaximum() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let added = try await deals.run([
            "add", "--id", "money-update", "--target", "financial-times", "--investor", "techcrunch", "--amount",
            "1M", "-o", "json",
        ])
        #expect(added.status == 0, "\(added)")
        let updated = try await deals.run(["update", "money-update", "--set", "amount=2,5 milliards", "-o", "json"])
        #expect(updated.status == 0, "\(updated)")
        #expect(
            DealMoneyValue(json: try updated.jsonObject()["amount"]) == DealMoneyValue("USD", units: 2_500_000_000),
            "\(updated)"
        )
        let bad = try await deals.run(["update", "money-update", "--set", "amount=plenty"])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.error.contains("\"plenty\""), "\(bad)")
        let below = try await deals.run(["list", "--target", "anthropic", "--max", "$300M", "-o", "json"])
        #expect(try below.jsonArray().compactMap { $0["id"] as? String } == ["google-anthropic-2023-02"], "\(below)")
    }
}
