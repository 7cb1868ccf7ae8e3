import DealTestSupport
import Foundation
import Testing

/// add, update, delete and the orgs commands, with etags; one daemon, tests one after another.
@Suite("deals write commands", .sharedServer, .serialized, .timeLimit(.minutes(2)))
struct DealsWriteCommandsTests {
    static func etag(_ record: [String: Any]) -> String? {
        (record["meta"] as? [String: Any])?["etag"] as? String
    }

    @Test("add with flags, update with --if-match (stale: 6, current: 0), delete")
    func addUpdateDelete() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let title = #"Flags, "quoted" title"#
        let added = try await deals.run([
            "add", "--id", "e2e-flags", "--target", "anthropic", "--investor", "amazon", "--investor", "google",
            "--lead", "amazon", "--amount", "750M", "--cap", "1 billion", "--announced", "Q2 2024", "--closed",
            "2024-06", "--type", "venture", "--status", "announced", "--title", title, "--notes", "added by e2e",
        ])
        #expect(added.status == 0, "\(added)")
        #expect(added.error == "created deal e2e-flags\n", "\(added)")
        #expect(added.lines.first { $0.hasPrefix("id:") }?.hasSuffix("e2e-flags") == true, "\(added)")

        let got = try await deals.run(["get", "e2e-flags", "-o", "json"])
        #expect(got.status == 0, "\(got)")
        let deal = try got.jsonObject()
        #expect(deal["targetId"] as? String == "anthropic")
        #expect(deal["title"] as? String == title)
        #expect(deal["notes"] as? String == "added by e2e")
        #expect(deal["type"] as? String == "DEAL_TYPE_VENTURE", "\(got)")
        #expect(deal["status"] as? String == "DEAL_STATUS_ANNOUNCED", "\(got)")
        #expect(DealMoneyValue(json: deal["amount"]) == DealMoneyValue("USD", units: 750_000_000))
        #expect(DealMoneyValue(json: deal["commitmentCap"]) == DealMoneyValue("USD", units: 1_000_000_000))
        let announced = try #require(deal["announced"] as? [String: Any], "\(got)")
        #expect((announced["year"] as? NSNumber)?.intValue == 2024, "\(announced)")
        let participations = try #require(deal["participations"] as? [[String: Any]], "\(got)")
        #expect(participations.compactMap { $0["investorId"] as? String } == ["amazon", "google"], "\(got)")
        #expect(participations.first?["role"] as? String == "INVESTOR_ROLE_LEAD", "\(got)")
        let etag = try #require(Self.etag(deal), "\(got)")

        // The title needs CSV quoting; the reader gets it back intact.
        let csv = try await deals.run(["list", "--investor", "google", "--since", "2024", "-o", "csv"])
        let rows = try DealCSV.table(csv.output).rows
        #expect(rows.map { $0["title"] } == [title], "\(csv)")
        #expect(rows.first?["investor_ids"] == "amazon;google", "\(csv)")

        let stale = try await deals.run(["update", "e2e-flags", "--set", "status=closed", "--if-match", "stale-etag"])
        #expect(stale.status == 6, "\(stale)")
        #expect(stale.error.hasPrefix("deals: conflict:"), "\(stale)")
        #expect(stale.output.isEmpty, "\(stale)")
        let unchanged = try await deals.run(["get", "e2e-flags", "-o", "json"])
        #expect(try unchanged.jsonObject()["status"] as? String == "DEAL_STATUS_ANNOUNCED", "\(unchanged)")

        let updated = try await deals.run([
            "update", "e2e-flags", "--set", "status=closed", "--set", "closed=Jul 2024", "--set", "notes=",
            "--if-match", etag, "-o", "json",
        ])
        #expect(updated.status == 0, "\(updated)")
        let after = try updated.jsonObject()
        #expect(after["status"] as? String == "DEAL_STATUS_CLOSED", "\(updated)")
        #expect(after["notes"] == nil, "an empty value clears the field: \(updated)")
        let newEtag = try #require(Self.etag(after), "\(updated)")
        #expect(newEtag != etag)

        let again = try await deals.run(["update", "e2e-flags", "--set", "title=x", "--if-match", etag])
        #expect(again.status == 6, "the old etag must be stale now: \(again)")
        let table = try await deals.run(["update", "e2e-flags", "--set", "title=Renamed"])
        #expect(table.status == 0, "\(table)")
        #expect(table.lines.contains { $0.hasPrefix("title:") && $0.hasSuffix("Renamed") }, "\(table)")

        let staleDelete = try await deals.run(["delete", "e2e-flags", "--if-match", newEtag])
        #expect(staleDelete.status == 6, "\(staleDelete)")
        let deleted = try await deals.run(["delete", "e2e-flags"])
        #expect(deleted.status == 0, "\(deleted)")
        #expect(deleted.output.hasPrefix("deleted deal e2e-flags at revision "), "\(deleted)")
        let gone = try await deals.run(["get", "e2e-flags"])
        #expect(gone.status == 3, "\(gone)")
        #expect(gone.error.hasPrefix("deals: ") && gone.error.contains("e2e-flags"), "\(gone)")
        #expect(try await deals.run(["delete", "e2e-flags"]).status == 3)
        #expect(try await deals.run(["update", "e2e-flags", "--set", "title=x"]).status == 3)
    }

    @Test("add --file with a JSON deal, from a file and from stdin; --dry-run stores nothing")
    func addFromFile() async throws {
        let server = try DealEndToEndServer.shared
        let deals = server.deals
        let json = """
            {"id": "e2e-file", "targetId": "openai", "title": "From a file", "type": "DEAL_TYPE_VENTURE",
             "status": "DEAL_STATUS_RUMORED",
             "amount": {"currencyCode": "EUR", "units": "150000000"},
             "announced": {"year": 2024, "month": 3, "precision": "DATE_PRECISION_MONTH"},
             "participations": [{"investorId": "microsoft", "committed": {"currencyCode": "EUR", "units": "150000000"}}]}
            """
        let path = try server.sandbox.write(json, to: "deal.json")
        let dryRun = try await deals.run(["add", "--file", path, "--dry-run", "-o", "json"])
        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(try dryRun.jsonObject()["id"] as? String == "e2e-file", "\(dryRun)")
        #expect(try await deals.run(["get", "e2e-file"]).status == 3, "--dry-run stored the deal")

        let added = try await deals.run(["add", "--file", path, "-o", "json"])
        #expect(added.status == 0, "\(added)")
        let got = try await deals.run(["get", "e2e-file", "-o", "json"])
        let deal = try got.jsonObject()
        #expect(deal["title"] as? String == "From a file", "\(got)")
        #expect(deal["status"] as? String == "DEAL_STATUS_RUMORED", "\(got)")
        #expect(DealMoneyValue(json: deal["amount"]) == DealMoneyValue("EUR", units: 150_000_000), "\(got)")
        let list = try await deals.run(["list", "--target", "openai", "--currency", "EUR", "-o", "json"])
        #expect(try list.jsonArray().compactMap { $0["id"] as? String } == ["e2e-file"], "\(list)")

        // Flags override the file's fields; "-" reads stdin.
        let fromStdin = try await deals.run(
            ["add", "--file", "-", "--id", "e2e-stdin", "--amount", "€200M", "-o", "json"],
            input: json
        )
        #expect(fromStdin.status == 0, "\(fromStdin)")
        let stdinDeal = try fromStdin.jsonObject()
        #expect(stdinDeal["id"] as? String == "e2e-stdin")
        #expect(DealMoneyValue(json: stdinDeal["amount"]) == DealMoneyValue("EUR", units: 200_000_000))

        let duplicate = try await deals.run(["add", "--file", path])
        #expect(duplicate.status == 6, "\(duplicate)")
        #expect(duplicate.error.hasPrefix("deals: already exists"), "\(duplicate)")
        let notJSON = try server.sandbox.write("{ not json", to: "bad-deal.json")
        let bad = try await deals.run(["add", "--file", notJSON])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.error.contains(notJSON), "\(bad)")
        let missing = try await deals.run(["add", "--file", server.sandbox.scratch + "/no-such.json"])
        #expect(missing.status == 2, "\(missing)")

        let derived = try await deals.run([
            "add", "--target", "anthropic", "--investor", "microsoft", "--amount", "5M", "--announced", "2025-01",
            "-o", "json",
        ])
        #expect(derived.status == 0, "\(derived)")
        let derivedID = try #require(try derived.jsonObject()["id"] as? String, "\(derived)")
        // deals add --help, deals.proto and PROTOCOL.md section 16: `<first investor>-<target>-<year>`.
        #expect(derivedID == "microsoft-anthropic-2025", "\(derived)")
        #expect(try await deals.run(["get", derivedID]).status == 0)
    }

    @Test("orgs add, get, update with --if-match, delete; a referenced organization is not deleted")
    func organizationLifecycle() async throws {
        let server = try DealEndToEndServer.shared
        let deals = server.deals
        let added = try await deals.run([
            "orgs", "add", "--name", "Mistral AI", "--kind", "ai-lab", "--alias", "Mistral", "--website",
            "https://mistral.ai", "-o", "json",
        ])
        #expect(added.status == 0, "\(added)")
        let organization = try added.jsonObject()
        #expect(organization["id"] as? String == "mistral-ai", "\(added)")
        #expect(organization["kind"] as? String == "ORGANIZATION_KIND_AI_LAB", "\(added)")
        let etag = try #require(Self.etag(organization), "\(added)")

        let byAlias = try await deals.run(["orgs", "get", "Mistral", "-o", "json"])
        #expect(try byAlias.jsonObject()["id"] as? String == "mistral-ai", "\(byAlias)")
        #expect(try await deals.run(["orgs", "add", "--name", "Mistral AI"]).status == 6)

        let stale = try await deals.run([
            "orgs", "update", "mistral-ai", "--set", "website=https://mistral.example", "--if-match", "stale",
        ])
        #expect(stale.status == 6, "\(stale)")
        let updated = try await deals.run([
            "orgs", "update", "mistral-ai", "--set", "website=https://mistral.example", "--set",
            "aliases=Mistral,Mistral.ai", "--if-match", etag, "-o", "json",
        ])
        #expect(updated.status == 0, "\(updated)")
        let after = try updated.jsonObject()
        #expect(after["website"] as? String == "https://mistral.example", "\(updated)")
        #expect(after["aliases"] as? [String] == ["Mistral", "Mistral.ai"], "\(updated)")

        let fromFile = try server.sandbox.write(
            #"{"id": "e2e-fund", "name": "E2E Fund", "kind": "ORGANIZATION_KIND_INVESTMENT_FIRM"}"#,
            to: "org.json"
        )
        let fund = try await deals.run(["orgs", "add", "--file", fromFile])
        #expect(fund.status == 0, "\(fund)")
        #expect(fund.error == "created organization e2e-fund\n", "\(fund)")

        let deal = try await deals.run([
            "add", "--id", "e2e-mistral", "--target", "mistral-ai", "--investor", "e2e-fund", "--amount", "€385M",
        ])
        #expect(deal.status == 0, "\(deal)")
        let referenced = try await deals.run(["orgs", "delete", "mistral-ai"])
        #expect(referenced.status == 6, "\(referenced)")
        #expect(referenced.error.hasPrefix("deals: "), "\(referenced)")
        #expect(try await deals.run(["delete", "e2e-mistral"]).status == 0)
        let deleted = try await deals.run(["orgs", "delete", "mistral-ai"])
        #expect(deleted.status == 0, "\(deleted)")
        #expect(deleted.output.hasPrefix("deleted organization mistral-ai at revision "), "\(deleted)")
        #expect(try await deals.run(["orgs", "get", "mistral-ai"]).status == 3)
        #expect(try await deals.run(["orgs", "delete", "e2e-fund"]).status == 0)
    }
}
