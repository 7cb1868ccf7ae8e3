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
