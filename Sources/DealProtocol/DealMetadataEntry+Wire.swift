import Foundation

extension DealMetadataEntry {
    /// The entry as sent in HEADERS and TRAILERS.
    public var wire: Dealstore_V1_MetadataEntry {
        var entry = Dealstore_V1_MetadataEntry()
        entry.key = self.key
        entry.value = Data(self.value)
        return entry
    }
}
