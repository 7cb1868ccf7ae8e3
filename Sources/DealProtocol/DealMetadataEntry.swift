/// One metadata pair of a call, e.g. `authorization: Bearer <token>`.
///
/// Keys are lower-case ASCII (`[a-z0-9._-]`); values are opaque bytes, usually UTF-8 text.
public struct DealMetadataEntry: Hashable, Sendable {
    /// The lower-case key.
    public var key: String
    /// The raw value.
    public var value: [UInt8]

    /// Creates an entry with a binary value.
    public init(key: String, value: [UInt8]) {
        self.key = key
        self.value = value
    }

    /// Creates an entry with a text value, stored as UTF-8.
    public init(key: String, text: String) {
        self.key = key
        self.value = Array(text.utf8)
    }

    /// The value decoded as UTF-8, or `nil` when it is not valid UTF-8.
    public var text: String? {
        String(validating: self.value, as: UTF8.self)
    }
}

extension Array where Element == DealMetadataEntry {
    /// The first value for a key, as text.
    public func firstText(forKey key: String) -> String? {
        self.first { $0.key == key }?.text
    }
}
