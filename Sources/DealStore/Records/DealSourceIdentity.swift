/// A source's identity computed on its UTF-8 bytes, for identities that are ASCII: what
/// ``DealSourceCatalog/unicodeHash(publisher:url:title:published:)`` computes through Foundation, without building a
/// string or a CharacterSet per field.
///
/// Why: every deal's sources are identified on every write and, at recovery, a million times in a row; through
/// Foundation's `trimmingCharacters(in:)`, `range(of:)` and `lowercased()` that was a fifth of a restart. For ASCII
/// the rules are simple and exact: the white space Foundation trims is U+0009...U+000D and U+0020, and lower-casing
/// maps A...Z to a...z. Anything else answers nil and takes the Unicode path.
enum DealSourceIdentity {
    /// 64-bit FNV-1a, fed byte by byte.
    struct FNV1a {
        private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(_ byte: UInt8) {
            self.value ^= UInt64(byte)
            self.value = self.value &* 0x0000_0100_0000_01B3
        }

        mutating func add(_ bytes: UnsafeRawBufferPointer, lowercased: Bool = false) {
            for byte in bytes { self.add(lowercased ? DealSourceIdentity.lowercased(byte) : byte) }
        }

        mutating func add(_ text: String) {
            for byte in text.utf8 { self.add(byte) }
        }
    }

    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 < 0x80 }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// `bytes` without surrounding white space.
    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end && Self.isSpace(bytes[start]) { start += 1 }
        while end > start && Self.isSpace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// What the byte path says about a source.
    enum Outcome: Equatable {
        /// The source's identity hash.
        case hash(UInt64)
        /// The source has no identity (no URL, publisher or title).
        case noIdentity
        /// A field is not ASCII: the caller takes the Unicode path.
        case notASCII
    }

    /// The identity hash of an ASCII source.
    static func asciiHash(
        publisher: UnsafeRawBufferPointer,
        url: UnsafeRawBufferPointer,
        title: UnsafeRawBufferPointer,
        published: (year: Int32, month: Int32, day: Int32)
    ) -> Outcome {
        guard Self.isASCII(url), Self.isASCII(publisher), Self.isASCII(title) else { return .notASCII }
        var hash = FNV1a()
        var link = Self.trimmed(url)
        if let fragment = link.firstIndex(of: UInt8(ascii: "#")) {
            link = UnsafeRawBufferPointer(rebasing: link[..<fragment])
        }
        while link.last == UInt8(ascii: "/") { link = UnsafeRawBufferPointer(rebasing: link.dropLast()) }
        if !link.isEmpty {
            hash.add("u\n")
            guard let scheme = Self.firstSchemeSeparator(link) else {
                hash.add(link)
                return .hash(hash.value)
            }
            var hostEnd = scheme + 3
            while hostEnd < link.count && link[hostEnd] != UInt8(ascii: "/") && link[hostEnd] != UInt8(ascii: "?") {
                hostEnd += 1
            }
            hash.add(UnsafeRawBufferPointer(rebasing: link[..<hostEnd]), lowercased: true)
            hash.add(UnsafeRawBufferPointer(rebasing: link[hostEnd...]))
            return .hash(hash.value)
        }
        let publisher = Self.trimmed(publisher)
        let title = Self.trimmed(title)
        if publisher.isEmpty && title.isEmpty { return .noIdentity }
        hash.add("t\n")
        hash.add(publisher, lowercased: true)
        hash.add(UInt8(ascii: "\n"))
        hash.add(title, lowercased: true)
        hash.add("\n\(published.year)-\(published.month)-\(published.day)")
        return .hash(hash.value)
    }

    /// The offset of the first `://` in `bytes`.
    private static func firstSchemeSeparator(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/")
                && bytes[index + 2] == UInt8(ascii: "/")
            {
                return index
            }
            index += 1
        }
        return nil
    }

    /// An ASCII publisher as compared (trimmed, lower case), or nil when it is not ASCII.
    static func asciiKey(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard Self.isASCII(bytes) else { return nil }
        let trimmed = Self.trimmed(bytes)
        return String(unsafeUninitializedCapacity: trimmed.count) { buffer in
            for (index, byte) in trimmed.enumerated() { buffer[index] = Self.lowercased(byte) }
            return trimmed.count
        }
    }
}
