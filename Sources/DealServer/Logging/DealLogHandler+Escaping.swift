extension DealLogHandler {
    /// The longest text a single untrusted value (a request id) contributes to a log line, in UTF-8 bytes.
    static let maximumValueBytes = 128

    /// `text` safe to write inside one log line: control characters (C0, DEL, C1) and the Unicode line and
    /// paragraph separators are written as `\n`, `\r`, `\t` or `\u{XX}`, so no logged value can end the line or
    /// forge the next one, nor drive a terminal that shows the log.
    ///
    /// Why in the handler: every message and metadata value passes here, whatever its origin (a request id, an
    /// organization name in an error, a peer address), so a caller cannot forget it. Text without such characters
    /// (every line the server writes itself) is returned as is after one scan of its bytes.
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A value from a peer for a log line: escaped as ``escaped(_:)`` and cut to ``maximumValueBytes`` at a
    /// character boundary, with `…` marking the cut, so a request id cannot fill the log either.
    static func peerValue(_ text: String) -> String {
        let escaped = Self.escaped(text)
        guard escaped.utf8.count > Self.maximumValueBytes else { return escaped }
        var cut = ""
        var bytes = 0
        for character in escaped {
            let size = character.utf8.count
            // Room is kept for the 3-byte ellipsis.
            if bytes + size > Self.maximumValueBytes - 3 { break }
            cut.append(character)
            bytes += size
        }
        return cut + "…"
    }
}
