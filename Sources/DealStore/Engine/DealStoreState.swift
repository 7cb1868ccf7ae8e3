import DealModel
import HashTreeCollections
import SwiftProtobuf

/// The writer's working state: the next version of the records (ahead of what readers see by the writes not yet
/// durable) plus the change feed and watchers, guarded as a whole by the store's mutex.
///
/// A plain value type: recovery builds one without any locking. The record maps are persistent, so
/// ``DealVersion/init(_:)`` takes a version of it in O(1) after every write, and a snapshot captures it in O(1) and
/// serializes the capture off the lock; a later write copies one path per map, never a table.
struct DealStoreState: Sendable {
    var revision: UInt64 = 0
    /// The highest revision known to be on disk (per the fsync policy).
    var durableRevision: UInt64 = 0
    var deals: TreeDictionary<String, DealIndexEntry> = [:]
    /// Target id → its deals' ids, ordered.
    var dealsByTarget: TreeDictionary<String, DealSortedIDs> = [:]
    /// Investor id → the ids of the deals it participates in, ordered.
    var dealsByInvestor: TreeDictionary<String, DealSortedIDs> = [:]
    /// Every deal's contribution to the unfiltered summaries.
    var summaries = DealSummaryIndex()
    var organizations: [String: Dealstore_V1_Organization] = [:]
    /// Lower-cased id, name, aliases, former names, domains and merged ids → organization id.
    var organizationLookup: [String: String] = [:]
    /// Bumped by every change to `organizations`: a create validated off the lock against the organizations it
    /// read is stored only if this has not moved since (see `DealStore.prepareCreate`).
    var organizationsVersion: UInt64 = 0
    /// How many deals refer to each organization.
    var referenceCounts: TreeDictionary<String, Int> = [:]
    /// The source catalog: which records cite each source, by catalog id and by publisher (Records/DealSourceIndex).
    var sources = DealSourceIndex()
    /// Recent change events, oldest first, contiguous revisions: the in-memory tail of the change history (older
    /// retained events are read back from the log segments, see ``DealLogHistoryReader``).
    var history: [Dealstore_V1_ChangeEvent] = []
    /// Changes at or below this revision are no longer available from the change feed (the last compaction's
    /// record, see ``DealCompactionRecord``).
    var compactedRevision: UInt64 = 0
    /// The revision of the newest durable snapshot: compaction never goes past it (the log restores the rest).
    var snapshotRevision: UInt64 = 0
    /// True while a compaction removes segments (one at a time).
    var compactionInProgress = false
    var historyLimit: Int = 10_000
    /// Set by an open store (not by recovery): the events the tail drops are kept in ``retiredHistory`` for the
    /// writer to release after the state lock, instead of being freed under it.
    var retiresHistory = false
    /// Events dropped from the tail, not yet released (see ``takeRetiredHistory()``).
    ///
    /// Why: each dropped event holds its decoded deal (a few tens of allocations), so releasing the
    /// ``historyLimit`` events a trim drops, under the lock, held every writer for milliseconds once per
    /// ``historyLimit`` writes: a create tail spike at a steady rhythm.
    var retiredHistory: [Dealstore_V1_ChangeEvent] = []
    /// False on a replica: it has no log segments to read older events back from, so what the in-memory tail
    /// drops is compacted (a watch from before it answers OUT_OF_RANGE instead of failing to read a log).
    var historyInLog = true
    var health: DealStoreHealth = .serving
    var closed = false
    var snapshotInProgress = false
    var recordsSinceSnapshot = 0
    var watchers: [UInt64: DealWatcher] = [:]
    var nextWatcherID: UInt64 = 1
    var publishedRevision: UInt64 = 0

    // MARK: Organizations

    func resolveOrganization(_ key: String) -> String? {
        if self.organizations[key] != nil { return key }
        return self.organizationLookup[key.lowercased()]
    }

    mutating func putOrganization(_ organization: Dealstore_V1_Organization) {
        self.organizationsVersion &+= 1
        if let old = self.organizations[organization.id] {
            for key in Self.lookupKeys(of: old) where self.organizationLookup[key] == old.id {
                self.organizationLookup[key] = nil
            }
            self.sources.remove(
                DealSourceCatalog.citations(in: old),
                record: DealSourceIndex.organizationRecord(old.id)
            )
        }
        self.organizations[organization.id] = organization
        self.sources.add(
            DealSourceCatalog.citations(in: organization),
            record: DealSourceIndex.organizationRecord(organization.id)
        )
        for key in Self.lookupKeys(of: organization) where self.organizationLookup[key] == nil {
            self.organizationLookup[key] = organization.id
        }
    }

    mutating func removeOrganization(id: String) {
        guard let old = self.organizations.removeValue(forKey: id) else { return }
        self.organizationsVersion &+= 1
        for key in Self.lookupKeys(of: old) where self.organizationLookup[key] == id {
            self.organizationLookup[key] = nil
        }
        self.sources.remove(DealSourceCatalog.citations(in: old), record: DealSourceIndex.organizationRecord(id))
    }

    static func lookupKeys(of organization: Dealstore_V1_Organization) -> [String] {
        var keys = [organization.id.lowercased()]
        if !organization.name.isEmpty { keys.append(organization.name.lowercased()) }
        keys.append(contentsOf: organization.aliases.map { $0.lowercased() })
        // Former names, domains and the ids of organizations merged into this one resolve to it as well.
        keys.append(contentsOf: organization.formerNames.map { $0.lowercased() })
        keys.append(contentsOf: organization.domains)
        keys.append(contentsOf: organization.mergedIds)
        return keys
    }

    // MARK: Deals

    mutating func putDeal(_ entry: DealIndexEntry) {
        self.removeDeal(id: entry.id)
        self.deals[entry.id] = entry
        self.dealsByTarget[entry.targetID, default: DealSortedIDs()].insert(entry.id)
        for investor in entry.investorIDs { self.dealsByInvestor[investor, default: DealSortedIDs()].insert(entry.id) }
        for reference in entry.references { self.referenceCounts[reference, default: 0] += 1 }
        self.summaries.add(entry, sign: 1)
        self.sources.add(DealSourceCatalog.citations(inDeal: entry.bytes), record: DealSourceIndex.dealRecord(entry.id))
    }

    mutating func removeDeal(id: String) {
        guard let old = self.deals.removeValue(forKey: id) else { return }
        Self.remove(id, key: old.targetID, from: &self.dealsByTarget)
        for investor in old.investorIDs { Self.remove(id, key: investor, from: &self.dealsByInvestor) }
        for reference in old.references {
            let count = (self.referenceCounts[reference] ?? 1) - 1
            self.referenceCounts[reference] = count > 0 ? count : nil
        }
        self.summaries.add(old, sign: -1)
        self.sources.remove(DealSourceCatalog.citations(inDeal: old.bytes), record: DealSourceIndex.dealRecord(id))
    }

    private static func remove(_ id: String, key: String, from index: inout TreeDictionary<String, DealSortedIDs>) {
        guard var ids = index[key] else { return }
        ids.remove(id)
        index[key] = ids.isEmpty ? nil : ids
    }

    // MARK: Change events

    /// Applies a logged change (recovery replay and live writes share this path). `dealBytes`, when given, are the
    /// deal's serialized bytes as the log holds them (recovery slices them out of the record rather than
    /// serializing the decoded deal again).
    mutating func apply(_ event: Dealstore_V1_ChangeEvent, dealBytes: [UInt8]? = nil) throws {
        switch event.record.record {
        case .organization(let organization):
            if event.kind == .deleted {
                self.removeOrganization(id: organization.id)
            } else {
                self.putOrganization(organization)
            }
        case .deal(let deal):
            if event.kind == .deleted {
                self.removeDeal(id: deal.id)
            } else {
                let bytes: [UInt8] = try dealBytes ?? deal.serializedBytes()
                self.putDeal(DealIndexEntry(deal: deal, bytes: bytes))
            }
        case nil:
            throw DealStoreError(code: .dataLoss, message: "log record at revision \(event.revision) holds no record")
        }
        self.revision = event.revision
        self.appendHistory(event)
    }

    /// Applies a live deal write whose entry was built from the bytes already serialized for the log (the replay
    /// path, ``apply(_:)``, serializes the deal itself).
    mutating func applyDeal(_ entry: DealIndexEntry, event: Dealstore_V1_ChangeEvent) {
        self.putDeal(entry)
        self.revision = event.revision
        self.appendHistory(event)
    }

    /// After a failed log write or sync: goes back to `version`, the last durable one (what readers see), so that
    /// no write that was never acknowledged stays in the working state. The store is read-only from then on, so no
    /// revision is reused.
    mutating func rollBack(to version: DealVersion) {
        self.deals = version.deals
        self.dealsByTarget = version.dealsByTarget
        self.dealsByInvestor = version.dealsByInvestor
        self.referenceCounts = version.referenceCounts
        self.summaries = version.summaries
        self.sources = version.sources
        self.organizations = version.organizations
        self.organizationLookup = version.organizationLookup
        self.organizationsVersion &+= 1
        self.revision = version.revision
        if self.durableRevision > self.revision { self.durableRevision = self.revision }
        while let last = self.history.last, last.revision > self.revision { self.history.removeLast() }
        // History compacted while many writes were in flight may have dropped events up to a rolled-back revision:
        // a watcher resuming from the current revision must not be told it is compacted.
        if self.compactedRevision > self.revision { self.compactedRevision = self.revision }
    }

    /// Appends to the in-memory tail, dropping its oldest half when it exceeds twice the limit (what it drops stays
    /// in the log segments until a compaction).
    mutating func appendHistory(_ event: Dealstore_V1_ChangeEvent) {
        self.history.append(event)
        if self.history.count > self.historyLimit * 2 {
            let dropped = self.history.count - self.historyLimit
            // At most one trim waits for release: if nobody took the last one (a path that does not drain), it is
            // freed here as before, so the retired events never hold more than one trim's worth of memory.
            if self.retiresHistory { self.retiredHistory = Array(self.history[..<dropped]) }
            self.history.removeFirst(dropped)
            if !self.historyInLog, let first = self.history.first?.revision, first > 0 {
                self.compactedRevision = Swift.max(self.compactedRevision, first - 1)
            }
        }
    }

    /// The events the last trim dropped, for the caller to release outside the lock (empty when there are none).
    mutating func takeRetiredHistory() -> [Dealstore_V1_ChangeEvent] {
        guard !self.retiredHistory.isEmpty else { return [] }
        defer { self.retiredHistory = [] }
        return self.retiredHistory
    }

    /// True when the in-memory tail holds every event after `revision` (none may be older than the tail).
    func memoryHolds(after revision: UInt64) -> Bool {
        guard let first = self.history.first?.revision else { return revision >= self.revision }
        return revision + 1 >= first
    }

    /// The in-memory events with revision > `revision`, at most up to the durable revision.
    func events(after revision: UInt64, upTo last: UInt64, limit: Int) -> ArraySlice<Dealstore_V1_ChangeEvent> {
        guard let first = self.history.first?.revision, revision < last else { return [] }
        let start = max(0, Int(revision + 1) - Int(first))
        let end = min(self.history.count, Int(last) - Int(first) + 1)
        guard start < end else { return [] }
        return self.history[start..<(end - start <= limit ? end : start + limit)]
    }
}
