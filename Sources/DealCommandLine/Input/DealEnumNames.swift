public import SwiftProtobuf

/// Short kebab-case names for protobuf enum values (`corporate-strategic`) and their parsing.
public enum DealEnumNames {
    /// The kebab-case name of `value`, e.g. `corporate-strategic`; empty for the unspecified value.
    public static func name<Value: SwiftProtobuf.Enum>(_ value: Value) -> String {
        guard value.rawValue != 0 else { return "" }
        var result = ""
        for character in String(describing: value) {
            if character.isUppercase {
                result += "-" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The values a user may name (every value but the unspecified one).
    public static func choices<Value: SwiftProtobuf.Enum & CaseIterable>(_ type: Value.Type) -> [String] {
        Value.allCases.filter { $0.rawValue != 0 }.map { Self.name($0) }
    }

    /// Parses `corporate-strategic`, `corporate_strategic`, `CORPORATE_STRATEGIC` or `DEAL_TYPE_CORPORATE_STRATEGIC`.
    public static func parse<Value: SwiftProtobuf.Enum & CaseIterable>(
        _ text: String,
        as type: Value.Type,
        what: String
    ) throws(DealInputError) -> Value {
        let wanted = Self.squashed(text)
        for value in Value.allCases where value.rawValue != 0 {
            let name = Self.squashed(Self.name(value))
            if wanted == name || wanted.hasSuffix(name) && Self.isPrefixedName(wanted, name) {
                return value
            }
        }
        throw DealInputError(
            "invalid \(what) \"\(text)\"; expected one of \(Self.choices(type).joined(separator: ", "))"
        )
    }

    private static func squashed(_ text: String) -> String {
        text.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
    }

    /// True for the proto spelling with its type prefix: "dealtypecorporatestrategic" for "corporatestrategic".
    private static func isPrefixedName(_ wanted: String, _ name: String) -> Bool {
        let prefixes = [
            "dealtype", "dealstatus", "organizationkind", "investorrole", "tranchekind", "tranchestatus",
            "valuationkind", "strategictermkind", "confidence", "changekind", "dateprecision", "investortype",
            "affiliationrole",
        ]
        return prefixes.contains { wanted == $0 + name }
    }
}
