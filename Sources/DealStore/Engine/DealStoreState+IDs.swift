extension DealStoreState {
    /// A record id made from free text: lower case, runs of anything but letters and digits as one `-`, at most 56
    /// characters so a `-N` suffix still fits the 63-character id limit. `Mistral AI` becomes `mistral-ai`.
    static func slug(_ text: String) -> String {
        var out = ""
        var pendingDash = false
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return String(out.prefix(56)).trimmingSuffix("-")
    }

    /// `base`, or `base-2`, `base-3`… whichever is not taken.
    func uniqueID(_ base: String, taken: (String) -> Bool) -> String {
        if !taken(base) { return base }
        var n = 2
        while taken("\(base)-\(n)") { n += 1 }
        return "\(base)-\(n)"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: Character) -> String {
        var text = self
        while text.last == suffix { text.removeLast() }
        return text
    }
}
