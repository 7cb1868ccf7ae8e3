extension StringProtocol {
    /// The text without leading and trailing whitespace (Foundation-free, for Substrings too).
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace {
            text.removeFirst()
        }
        while let last = text.last, last.isWhitespace {
            text.removeLast()
        }
        return String(text)
    }

    /// The text with every `target` character replaced by `replacement`.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target {
                result += replacement
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension StringProtocol {
    /// The text safe to print on a terminal: every control character (C0, DEL, C1: the escape that starts an ANSI
    /// sequence, a carriage return that overwrites the line, a bell) and every bidirectional override is written
    /// as a visible `\u{1B}`; newlines are kept when `keepingNewlines`, otherwise they become spaces.
    ///
    /// Stored text (a deal title, an organization name, a server's error message) comes from whoever wrote the
    /// record; printed raw, `\u{1B}]52;…` could set the clipboard and `\u{1B}[2J` clear the screen. Escaped rather
    /// than deleted, so the reader sees that the record holds something odd.
    func terminalSafe(keepingNewlines: Bool = false) -> String {
        guard self.unicodeScalars.contains(where: \.isTerminalUnsafe) else { return String(self) }
        var result = ""
        for scalar in self.unicodeScalars {
            if scalar == "\n" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                result += keepingNewlines && scalar == "\n" ? "\n" : " "
            } else if scalar == "\t" {
                result += " "
            } else if scalar.isTerminalUnsafe {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension Unicode.Scalar {
    /// A control character, a line separator or a bidirectional embedding, override or isolate.
    fileprivate var isTerminalUnsafe: Bool {
        switch self.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
