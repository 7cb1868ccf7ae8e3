import Testing

@testable import DealStore

/// A catalog source's citations: one key inline or a sorted set, the same set either way.
@Suite("Citation sets")
struct DealCitationSetTests {
    @Test("inserts and removals move between one key and a set, and every form answers the same")
    func forms() {
        var set = DealCitationSet()
        #expect(set.isEmpty && set.all.isEmpty)
        let first = set.insert("~/b/s")
        let again = set.insert("~/b/s")
        #expect(first && !again)
        guard case .one = set else {
            Issue.record("one key is held inline: \(set)")
            return
        }
        let (a, c) = (set.insert("~/a/s"), set.insert("~/c/s"))
        #expect(a && c)
        #expect(set.all == ["~/a/s", "~/b/s", "~/c/s"] && set.count == 3)
        var after: [String] = []
        set.forEach(after: "~/a/s") { key in
            after.append(key)
            return true
        }
        #expect(after == ["~/b/s", "~/c/s"])
        let removals = [set.remove("~/a/s"), set.remove("~/a/s"), set.remove("~/c/s")]
        #expect(removals == [true, false, true])
        guard case .one("~/b/s") = set else {
            Issue.record("a set left with one key holds it inline: \(set)")
            return
        }
        var none: [String] = []
        set.forEach(after: "~/b/s") { key in
            none.append(key)
            return true
        }
        #expect(none.isEmpty)
        #expect(set == .many(DealSortedIDs(["~/b/s"])))
        #expect(set != .one("~/c/s"))
        let last = set.remove("~/b/s")
        #expect(last && set.isEmpty)
        #expect(DealCitationSet(["~/z", "~/y", "~/z"]).all == ["~/y", "~/z"])
    }
}
