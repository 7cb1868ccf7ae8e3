import Dispatch
import Synchronization

extension DealStoreState {
    /// ``putDeal(_:)`` for every entry of a snapshot, into a state that holds no deals yet, building the primary
    /// map and the secondary indexes in parallel.
    ///
    /// Recovery inserts a million entries here; one after the other this was the largest sequential part of a
    /// restart. The parts touch disjoint fields, so they run in parallel; the result is what the loop of
    /// `putDeal` gives (which is also what runs if an id turns out to repeat, or the state is not empty).
    mutating func putDealsInBulk(_ entries: [DealIndexEntry]) {
        guard self.deals.isEmpty, self.dealsByTarget.isEmpty, self.dealsByInvestor.isEmpty,
            self.referenceCounts.isEmpty
        else {
            for entry in entries { self.putDeal(entry) }
            return
        }
        let primary = Mutex<[String: DealIndexEntry]>([:])
        let byTarget = Mutex<[String: Set<String>]>([:])
        let byInvestor = Mutex<([String: Set<String>], [String: Int])>(([:], [:]))
        // Three independent parts, each sized before it is filled: growing a set rehashes (and compares) every
        // id in it again, and ids share long prefixes.
        DispatchQueue.concurrentPerform(iterations: 3) { part in
            switch part {
            case 0:
                var deals = [String: DealIndexEntry](minimumCapacity: entries.count)
                for entry in entries { deals[entry.id] = entry }
                primary.withLock { $0 = deals }
            case 1:
                var counts: [String: Int] = [:]
                for entry in entries { counts[entry.targetID, default: 0] += 1 }
                var sets = counts.mapValues { Set<String>(minimumCapacity: $0) }
                for entry in entries { sets[entry.targetID, default: []].insert(entry.id) }
                byTarget.withLock { $0 = sets }
            default:
                var counts: [String: Int] = [:]
                for entry in entries {
                    for investor in entry.investorIDs { counts[investor, default: 0] += 1 }
                }
                var sets = counts.mapValues { Set<String>(minimumCapacity: $0) }
                var references: [String: Int] = [:]
                for entry in entries {
                    for investor in entry.investorIDs { sets[investor, default: []].insert(entry.id) }
                    for reference in entry.references { references[reference, default: 0] += 1 }
                }
                byInvestor.withLock { $0 = (sets, references) }
            }
        }
        let deals = primary.withLock { $0 }
        guard deals.count == entries.count else {
            // A repeated id: the indexes above counted it twice. Take the exact path.
            for entry in entries { self.putDeal(entry) }
            return
        }
        self.deals = deals
        self.dealsByTarget = byTarget.withLock { $0 }
        (self.dealsByInvestor, self.referenceCounts) = byInvestor.withLock { $0 }
    }
}
