public import DealModel

/// The records of one ExportDeals call: every organization (id order), then every deal matching its filter (id
/// order), as stored at one revision.
///
/// ``DealStore/exportView(filter:)`` takes the store's copy-on-write dictionaries under the lock (O(1)) and
/// filters and sorts them after letting go of it; each deal is decoded only when ``record(at:)`` asks for it, so
/// an export streams without holding the lock or a decoded copy of every record.
public struct DealExportView: Sendable {
    let organizations: [Dealstore_V1_Organization]
    let deals: [DealIndexEntry]
    /// The store revision the view shows.
    public let revision: UInt64

    /// How many records the view holds.
    public var count: Int { self.organizations.count + self.deals.count }

    /// Record `index` (0 ≤ index < ``count``): organizations first, then deals.
    public func record(at index: Int) throws(DealStoreError) -> Dealstore_V1_DealRecord {
        var record = Dealstore_V1_DealRecord()
        if index < self.organizations.count {
            record.organization = self.organizations[index]
        } else {
            record.deal = try DealStore.decodeDeal(self.deals[index - self.organizations.count].bytes)
        }
        return record
    }
}
