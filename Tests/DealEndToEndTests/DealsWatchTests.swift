import DealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `deals watch` as a separate process seeing changes another `deals` makes, and Ctrl-C ending it with status 0.
@Suite("deals watch", .sharedServer, .serialized, .timeLimit(.minutes(2)))
struct DealsWatchTests {
    /// The store's revision now, from `server-info` (a uint64: a string in the protobuf JSON mapping).
    static func revision(_ deals: DealCommandRunner) async throws -> UInt64 {
        let info = try await deals.run(["server-info", "-o", "json"])
        return try #require(DealJSONNumber.uint64(try info.jsonObject()["storeRevision"]), "\(info)")
    }

    @Test("watch --from REV (table and jsonl) shows another client's add, update and delete; SIGINT exits 0")
    func watchSeesChanges() async throws {
        let server = try DealEndToEndServer.shared
        let deals = server.deals
        let revision = try await Self.revision(deals)
        let table = try deals.start(["watch", "--from", "\(revision)", "--orgs"])
        let jsonl = try deals.start(["watch", "--from", "\(revision)", "-o", "jsonl"])
        defer {
            table.send(SIGKILL)
            jsonl.send(SIGKILL)
        }

        #expect(try await deals.run(["orgs", "add", "--name", "Watch Test"]).status == 0)
        let added = try await deals.run([
            "add", "--id", "e2e-watched", "--target", "watch-test", "--investor", "amazon", "--amount", "3M",
            "--title", "Watched deal",
        ])
        #expect(added.status == 0, "\(added)")
        #expect(try await deals.run(["update", "e2e-watched", "--set", "status=closed"]).status == 0)
        #expect(try await deals.run(["delete", "e2e-watched"]).status == 0)

        let sawDelete = await table.waitForOutput(containing: "deleted  deal e2e-watched", timeout: .seconds(15))
        #expect(sawDelete, "table watch output: \(table.standardOutput) \(table.standardError)")
        let lines = table.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasSuffix("created  organization watch-test  \"Watch Test\"") }, "\(lines)")
        #expect(lines.contains { $0.contains("created  deal e2e-watched  \"Watched deal\"  $3M") }, "\(lines)")
        #expect(lines.contains { $0.contains("updated  deal e2e-watched") }, "\(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("rev ") }, "\(lines)")

        #expect(await jsonl.waitForOutput(containing: "DELETED", timeout: .seconds(15)), "\(jsonl.standardOutput)")
        let events = try jsonl.standardOutput.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        // Without --orgs, only the deal's three changes, in order, at increasing revisions.
        let ids = events.map { (($0["record"] as? [String: Any])?["deal"] as? [String: Any])?["id"] as? String }
        #expect(ids == ["e2e-watched", "e2e-watched", "e2e-watched"], "\(events)")
        let revisions = events.compactMap { ($0["revision"] as? String).flatMap(UInt64.init) }
        #expect(revisions.count == 3 && revisions == revisions.sorted() && revisions.allSatisfy { $0 > revision })
        #expect(events.compactMap { $0["kind"] as? String }.count == 3, "\(events)")

        for watch in [table, jsonl] {
            #expect(watch.isRunning, "watch ended by itself: \(watch.standardError)")
            watch.send(SIGINT)
            let status = await watch.waitForExit(timeout: .seconds(10))
            #expect(status == 0 && watch.exitedNormally, "SIGINT: status \(String(describing: status))")
            #expect(watch.standardError.isEmpty, "\(watch.standardError)")
        }
    }

    @Test("watch with no --from follows live changes made after it started")
    func watchLive() async throws {
        let deals = try DealEndToEndServer.shared.deals
        let watch = try deals.start(["watch", "-o", "csv"])
        defer { watch.send(SIGKILL) }
        #expect(await watch.waitForOutput(containing: "revision,change,record,id,time_micros\n", timeout: .seconds(10)))
        // The watch subscribes at some point after it starts; add deals until it reports one (bounded).
        var added: [String] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline
            && !added.contains(where: { watch.standardOutput.contains(",deal," + $0 + ",") })
        {
            let id = "e2e-live-\(added.count)"
            #expect(
                try await deals.run(["add", "--id", id, "--target", "openai", "--investor", "microsoft"]).status == 0
            )
            added.append(id)
            _ = await watch.waitForOutput(containing: ",deal," + id + ",", timeout: .milliseconds(500))
        }
        let rows = try DealCSV.table(watch.standardOutput).rows
        #expect(rows.contains { $0["record"] == "deal" && added.contains($0["id"] ?? "") }, "\(watch.standardOutput)")
        #expect(rows.allSatisfy { UInt64($0["revision"] ?? "") != nil }, "\(rows)")
        watch.send(SIGINT)
        #expect(await watch.waitForExit(timeout: .seconds(10)) == 0)
    }
}
