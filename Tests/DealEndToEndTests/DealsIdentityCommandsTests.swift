import DealTestSupport
import Foundation
import Testing

/// `deals orgs add` with company context and a person, `deals duplicates` and `deals orgs merge`, against the
/// shared daemon (on records of their own, so the bundled totals stay as the read tests expect them).
@Suite("deals identity commands", .sharedServer, .timeLimit(.minutes(2)))
struct DealsIdentityCommandsTests {
    @Test("an angel, a duplicate deal proposed, a duplicate organization merged and its id still resolving")
    func identity() async throws {
        let server = try DealEndToEndServer.shared
        let deals = server.deals
        let company = try await deals.run([
            "orgs", "add", "--name", "E2E Robotics", "--industry", "robotics", "--country", "fr", "--city", "Lyon",
            "--founded", "2020", "--domain", "e2e-robotics.example", "-o", "json",
        ])
        #expect(company.status == 0, "\(company)")
        let stored = try company.jsonObject()
        #expect(stored["industries"] as? [String] == ["robotics"], "\(company)")
        #expect((stored["headquarters"] as? [String: Any])?["countryCode"] as? String == "FR", "\(company)")
        let angel = try await deals.run([
            "orgs", "add", "--name", "E2E Angel", "--kind", "person", "--investor-type", "angel", "--founder-of",
            "e2e-robotics", "-o", "json",
        ])
        #expect(angel.status == 0, "\(angel)")
        #expect(try angel.jsonObject()["investorTypes"] as? [String] == ["INVESTOR_TYPE_ANGEL"], "\(angel)")
        let badCountry = try await deals.run(["orgs", "add", "--name", "E2E Nowhere", "--country", "XX"])
        #expect(badCountry.status != 0, "\(badCountry)")
        #expect(badCountry.error.contains("headquarters.country_code"), "\(badCountry)")

        for id in ["e2e-robotics-seed", "e2e-robotics-seed-2"] {
            let added = try await deals.run([
                "add", "--id", id, "--target", "e2e-robotics", "--investor", "e2e-angel", "--amount", "2M",
                "--announced", "Mar 2024",
            ])
            #expect(added.status == 0, "\(added)")
        }
        let duplicates = try await deals.run(["duplicates", "--target", "e2e-robotics", "-o", "json"])
        #expect(duplicates.status == 0, "\(duplicates)")
        let pairs = try duplicates.jsonArray()
        #expect(pairs.map { $0["dealIds"] as? [String] } == [["e2e-robotics-seed", "e2e-robotics-seed-2"]])
        let table = try await deals.run(["duplicates", "--target", "e2e-robotics"])
        #expect(table.output.hasPrefix("TARGET "), "\(table)")
        let csv = try await deals.run(["duplicates", "--target", "e2e-robotics", "-o", "csv"])
        #expect(csv.output.contains("ids differ only by a -N suffix"), "\(csv)")

        let copy = try await deals.run(["orgs", "add", "--name", "E2E Robotique", "--id", "e2e-robotique"])
        #expect(copy.status == 0, "\(copy)")
        #expect(try await deals.run(["orgs", "merge", "e2e-robotique", "--into", "e2e-robotics"]).status == 0)
        let resolved = try await deals.run(["orgs", "get", "e2e-robotique", "-o", "json"])
        #expect(try resolved.jsonObject()["id"] as? String == "e2e-robotics", "\(resolved)")
        let merged = try await deals.run(["orgs", "get", "E2E Robotique"])
        #expect(merged.output.contains("merged ids:"), "\(merged)")

        for id in ["e2e-robotics-seed", "e2e-robotics-seed-2"] {
            #expect(try await deals.run(["delete", id]).status == 0)
        }
        #expect(try await deals.run(["orgs", "delete", "e2e-angel"]).status == 0)
        #expect(try await deals.run(["orgs", "delete", "e2e-robotics"]).status == 0)
    }
}
