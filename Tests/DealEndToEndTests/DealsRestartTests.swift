import DealTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client session across a daemon restart: SIGTERM, then a new `dealsd` on the same port and data directory.
@Suite("dealsd restart in the middle of a session", .timeLimit(.minutes(2)))
struct DealsRestartTests {
    @Test("commands before and after a restart on the same port; a running watch ends with exit 5 and says why")
    func restartOnTheSamePort() async throws {
        let sandbox = try DealSandbox()
        defer { sandbox.remove() }
        // Every process the test starts, stopped when it ends however it ends (there is no async defer).
        var daemons: [DealDaemonProcess] = []
        var watches: [DealChildProcess] = []
        do {
            let first = try sandbox.startDaemon()
            daemons.append(first)
            let deals = try sandbox.deals(address: first.address)

            let before = try await DealsWatchTests.revision(deals)
            #expect(try await deals.run(["list"]).status == 0)
            let added = try await deals.run([
                "add", "--id", "e2e-before-restart", "--target", "openai", "--investor", "microsoft", "--amount", "1M",
            ])
            #expect(added.status == 0, "\(added)")
            let watch = try deals.start(["watch", "--from", "\(before)", "-o", "jsonl"])
            watches.append(watch)
            #expect(
                await watch.waitForOutput(containing: "e2e-before-restart", timeout: .seconds(15)),
                "watch: \(watch.standardOutput) \(watch.standardError)"
            )

            // SIGTERM: GOAWAY, in-flight calls finish within the drain grace period, open watches are ended at once
            // with UNAVAILABLE, snapshot, exit 0.
            let stopped = await first.stop(grace: .seconds(40))
            #expect(stopped == 0, "dealsd SIGTERM: \(String(describing: stopped)) \(first.errorOutput.suffix(4000))")

            // The watch does not reconnect: it reports the server going away and exits 5 (server unavailable).
            let watchStatus = await watch.waitForExit(timeout: .seconds(15))
            #expect(watchStatus == 5, "watch after SIGTERM: \(String(describing: watchStatus)) \(watch.standardError)")
            #expect(
                watch.standardError.hasPrefix("deals: cannot reach dealsd at \(first.address)"),
                "\(watch.standardError)"
            )
            #expect(watch.standardError.filter { $0 == "\n" }.count == 1, "\(watch.standardError)")
            #expect(!watch.standardOutput.contains("\n\n"), "\(watch.standardOutput)")

            // While no daemon listens, commands fail with 5 within the client's bounded wait.
            let down = try await deals.run(["list"])
            #expect(down.status == 5, "\(down)")

            let second = try sandbox.startDaemon(port: first.port)
            daemons.append(second)
            #expect(second.port == first.port)

            // The same settings keep working: same CA, same token, the data survived.
            let got = try await deals.run(["get", "e2e-before-restart", "-o", "json"])
            #expect(got.status == 0, "\(got)")
            #expect(DealMoneyValue(json: try got.jsonObject()["amount"]) == DealMoneyValue("USD", units: 1_000_000))
            let after = try await deals.run([
                "add", "--id", "e2e-after-restart", "--target", "anthropic", "--investor", "google", "--amount", "2M",
            ])
            #expect(after.status == 0, "\(after)")
            let list = try await deals.run(["list", "-o", "json"])
            let ids = try list.jsonArray().compactMap { $0["id"] as? String }
            #expect(
                ids.contains("e2e-before-restart") && ids.contains("e2e-after-restart") && ids.count == 7,
                "\(list)"
            )
            #expect(try await deals.run(["health"]).status == 0)

            // The change history survived the shutdown snapshot and the restart: a watch from the revision taken
            // before the restart replays both deals, once each, in order.
            let info = try await deals.run(["server-info", "-o", "json"])
            // (0, the default, may be left out of the JSON.)
            let compacted = DealJSONNumber.uint64(try info.jsonObject()["compactedRevision"]) ?? 0
            #expect(compacted <= before, "\(info)")
            let replay = try deals.start(["watch", "--from", "\(before)", "-o", "jsonl"])
            watches.append(replay)
            #expect(
                await replay.waitForOutput(containing: "e2e-after-restart", timeout: .seconds(15)),
                "\(replay.standardOutput) \(replay.standardError)"
            )
            let replayed = replay.standardOutput.split(separator: "\n").compactMap { line in
                let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return ((event?["record"] as? [String: Any])?["deal"] as? [String: Any])?["id"] as? String
            }
            #expect(replayed == ["e2e-before-restart", "e2e-after-restart"], "\(replay.standardOutput)")
            replay.send(SIGINT)
            #expect(await replay.waitForExit(timeout: .seconds(10)) == 0)

            let secondStopped = await second.stop(grace: .seconds(30))
            #expect(secondStopped == 0, "\(second.errorOutput.suffix(4000))")
        } catch {
            await Self.stop(daemons: daemons, watches: watches)
            throw error
        }
        await Self.stop(daemons: daemons, watches: watches)
    }

    /// Stops the watches, then the daemons, still running.
    static func stop(daemons: [DealDaemonProcess], watches: [DealChildProcess]) async {
        for watch in watches where watch.isRunning {
            await watch.stop(signal: SIGTERM, grace: .seconds(15))
        }
        for daemon in daemons where daemon.process.isRunning {
            await daemon.stop(grace: .seconds(15))
        }
    }
}
