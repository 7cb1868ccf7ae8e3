import DealModel
import HashTreeCollections

/// One immutable version of the store's records at one revision: what every read is served from.
///
/// The writer builds the next version in its working ``DealStoreState`` (under the store's lock) and publishes it
/// once the log records it holds are durable (see ``DealStore/publish(_:)``); readers take the latest published
/// version (one retain under a lock held for nothing else) and then read it without any lock, so a read never
/// waits for a writer, never copies a table, and never sees a revision that a crash could lose.
///
/// Taking a version is O(1): the maps are persistent (`TreeDictionary`, ``DealSortedIDs``), so the writer's next
/// change copies one path per map and shares the rest with every version still held. The organization tables are
/// plain copy-on-write dictionaries (the validator reads them as such): a deal write never touches them, and an
/// organization write copies them (organizations are few and rarely written).
///
/// A final class with only `let` properties of `Sendable` types: `Sendable` without `@unchecked`.
final class DealVersion: Sendable {
    /// The revision of the last change this version holds.
    let revision: UInt64
    let deals: TreeDictionary<String, DealIndexEntry>
    let dealsByTarget: TreeDictionary<String, DealSortedIDs>
    let dealsByInvestor: TreeDictionary<String, DealSortedIDs>
    let organizations: [String: Dealstore_V1_Organization]
    let organizationLookup: [String: String]
    let referenceCounts: TreeDictionary<String, Int>
    let summaries: DealSummaryIndex
    let sources: DealSourceIndex

    init(_ state: DealStoreState) {
        self.revision = state.revision
        self.deals = state.deals
        self.dealsByTarget = state.dealsByTarget
        self.dealsByInvestor = state.dealsByInvestor
        self.organizations = state.organizations
        self.organizationLookup = state.organizationLookup
        self.referenceCounts = state.referenceCounts
        self.summaries = state.summaries
        self.sources = state.sources
    }

    func resolveOrganization(_ key: String) -> String? {
        if self.organizations[key] != nil { return key }
        return self.organizationLookup[key.lowercased()]
    }
}
