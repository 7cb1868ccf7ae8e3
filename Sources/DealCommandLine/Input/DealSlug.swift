import Foundation

/// Record ids in DealStore's slug form: lower-case letters, digits and `-`, at most 63 characters.
public enum DealSlug {
    /// The slug of a name: `Mistral AI` becomes `mistral-ai`, `Société Générale` becomes `societe-generale`.
    ///
    /// Used when `deals orgs add` is given a name and no id, so the id is predictable before the server sees it.
    public static func make(from name: String) -> String {
        var slug = ""
        var pendingDash = false
        for character in name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil) {
            if character.isASCII && (character.isLetter || character.isNumber) {
                if pendingDash && !slug.isEmpty {
                    slug += "-"
                }
                pendingDash = false
                slug += character.lowercased()
            } else {
                pendingDash = true
            }
        }
        var limited = String(slug.prefix(63))
        while limited.hasSuffix("-") {
            limited.removeLast()
        }
        return limited
    }
}
