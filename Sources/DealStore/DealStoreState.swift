import DealModel
import SwiftProtobuf

/// Everything the store holds in memory, guarded as a whole by the store's mutex.
///
/// A plain value type: recovery builds one without any locking, and a snapshot copies it in O(1) (the dictionaries
/// are copy-on-write) and serializes the copy off the lock.
struct DealStoreState: Sendable {
    var revision: UInt64 = 0
    /// The highest revision known to be on disk (per the fsync policy).
    var durableRevision: UInt64 = 0
    var deals: [String: DealIndexEntry] = [:]
    var dealsByTarget: [String: Set<String>] = [:]
    var dealsByInvestor: [String: Set<String>] = [:]
    var organizations: [String: Dealstore_V1_Organization] = [:]
    /// Lower-cased id, name and aliases → organization id.
    var organizationLookup: [String: String] = [:]
    /// Bumped by every change to `organizations`: a create validated off the lock against the organizations it
    /// read is stored only if this has not moved since (see `DealStore.prepareCreate`).
    var organizationsVersion: UInt64 = 0
    /// How many deals refer to each organization.
    var referenceCounts: [String: Int] = [:]
    /// Recent change events, oldest first, contiguous revisions.
    var history: [Dealstore_V1_ChangeEvent] = []
    /// Changes at or below this revision are no longer available from the change feed.
    var compactedRevision: UInt64 = 0
    var historyLimit: Int = 10_000
    var health: DealStoreHealth = .serving
    var closed = false
    var snapshotInProgress = false
    var recordsSinceSnapshot = 0
    var watchers: [UInt64: DealWatcher] = [:]
    var nextWatcherID: UInt64 = 1
    var publishedRevision: UInt64 = 0
    /// How to take back each live write above `durableRevision`, oldest first (see ``rollBackUndurable()``).
    var pendingUndo: [DealUndo] = []

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
        }
        self.organizations[organization.id] = organization
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
    }

    static func lookupKeys(of organization: Dealstore_V1_Organization) -> [String] {
        var keys = [organization.id.lowercased()]
        if !organization.name.isEmpty { keys.append(organization.name.lowercased()) }
        keys.append(contentsOf: organization.aliases.map { $0.lowercased() })
        return keys
    }

    // MARK: Deals

    mutating func putDeal(_ entry: DealIndexEntry) {
        self.removeDeal(id: entry.id)
        self.deals[entry.id] = entry
        self.dealsByTarget[entry.targetID, default: []].insert(entry.id)
        for investor in entry.investorIDs { self.dealsByInvestor[investor, default: []].insert(entry.id) }
        for reference in entry.references { self.referenceCounts[reference, default: 0] += 1 }
    }

    mutating func removeDeal(id: String) {
        guard let old = self.deals.removeValue(forKey: id) else { return }
        self.dealsByTarget[old.targetID]?.remove(id)
        if self.dealsByTarget[old.targetID]?.isEmpty == true { self.dealsByTarget[old.targetID] = nil }
        for investor in old.investorIDs {
            self.dealsByInvestor[investor]?.remove(id)
            if self.dealsByInvestor[investor]?.isEmpty == true { self.dealsByInvestor[investor] = nil }
        }
        for reference in old.references {
            self.referenceCounts[reference, default: 1] -= 1
            if self.referenceCounts[reference] == 0 { self.referenceCounts[reference] = nil }
        }
    }

    // MARK: Change events

    /// Applies a logged change (recovery replay and live writes share this path).
    mutating func apply(_ event: Dealstore_V1_ChangeEvent) throws {
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
                let bytes: [UInt8] = try deal.serializedBytes()
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

    /// Remembers what the live write at `revision` replaces, before it is applied.
    mutating func rememberUndo(revision: UInt64, record: Dealstore_V1_DealRecord.OneOf_Record?) {
        switch record {
        case .deal(let deal):
            self.pendingUndo.append(
                DealUndo(revision: revision, previous: .deal(id: deal.id, entry: self.deals[deal.id]))
            )
        case .organization(let organization):
            self.pendingUndo.append(
                DealUndo(
                    revision: revision,
                    previous: .organization(id: organization.id, organization: self.organizations[organization.id])
                )
            )
        case nil:
            break
        }
    }

    /// Forgets the undo records of writes that are now durable.
    mutating func forgetUndo(upTo revision: UInt64) {
        let durable = self.pendingUndo.prefix { $0.revision <= revision }.count
        if durable > 0 { self.pendingUndo.removeFirst(durable) }
    }

    /// After a failed log write or sync: takes back every write above `durableRevision`, newest first, so that
    /// what readers see is what the log holds. The store is read-only from then on, so no revision is reused.
    mutating func rollBackUndurable() {
        for undo in self.pendingUndo.reversed() where undo.revision > self.durableRevision {
            switch undo.previous {
            case .deal(let id, let entry):
                if let entry { self.putDeal(entry) } else { self.removeDeal(id: id) }
            case .organization(let id, let organization):
                if let organization { self.putOrganization(organization) } else { self.removeOrganization(id: id) }
            }
        }
        self.pendingUndo.removeAll()
        if self.revision > self.durableRevision { self.revision = self.durableRevision }
        while let last = self.history.last, last.revision > self.durableRevision { self.history.removeLast() }
        // History compacted while many writes were in flight may have dropped events up to a rolled-back revision:
        // a watcher resuming from the current revision must not be told it is compacted.
        if self.compactedRevision > self.revision { self.compactedRevision = self.revision }
    }

    mutating func appendHistory(_ event: Dealstore_V1_ChangeEvent) {
        self.history.append(event)
        if self.history.count > self.historyLimit * 2 {
            let drop = self.history.count - self.historyLimit
            self.compactedRevision = self.history[drop - 1].revision
            self.history.removeFirst(drop)
        }
    }

    /// The events with revision > `revision`, at most up to the durable revision.
    func events(after revision: UInt64, upTo last: UInt64, limit: Int) -> ArraySlice<Dealstore_V1_ChangeEvent> {
        guard let first = self.history.first?.revision, revision < last else { return [] }
        let start = max(0, Int(revision + 1) - Int(first))
        let end = min(self.history.count, Int(last) - Int(first) + 1)
        guard start < end else { return [] }
        return self.history[start..<(end - start <= limit ? end : start + limit)]
    }
}
