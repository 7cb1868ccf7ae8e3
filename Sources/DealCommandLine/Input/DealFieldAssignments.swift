public import DealModel

/// Applies `--set field=value` assignments to deals and organizations and names the fields for the update mask.
///
/// Deal fields: title, notes, status, type, target, announced, closed, amount, cap. Organization fields: name,
/// kind, aliases (comma-separated), website, description, and the context fields of
/// ``organizationContextFields``. Values use the same forms as the other flags
/// (amounts like 4B, dates like Q3-2023, enum names like corporate-strategic); an empty value clears the field.
public enum DealFieldAssignments {
    /// The deal fields `--set` accepts, with the proto field each one replaces.
    public static let dealFields: [(name: String, maskField: String)] = [
        ("title", "title"), ("notes", "notes"), ("status", "status"), ("type", "type"), ("target", "target_id"),
        ("announced", "announced"), ("closed", "closed"), ("amount", "amount"), ("cap", "commitment_cap"),
    ]

    /// The organization fields `--set` accepts, with the proto field each one replaces.
    public static let organizationFields: [(name: String, maskField: String)] =
        [
            ("name", "name"), ("kind", "kind"), ("aliases", "aliases"), ("website", "website"),
            ("description", "description"),
        ] + Self.organizationContextFields

    /// Splits `field=value` at the first `=`.
    static func split(
        _ assignment: String,
        fields: [(name: String, maskField: String)]
    ) throws(DealInputError)
        -> (field: String, maskField: String, value: String)
    {
        guard let equals = assignment.firstIndex(of: "=") else {
            throw DealInputError("invalid --set \"\(assignment)\"; expected field=value, e.g. status=closed")
        }
        let name = assignment[..<equals].trimmingSpaces().lowercased()
        let value = String(assignment[assignment.index(after: equals)...])
        let aliases = ["target_id": "target", "commitment_cap": "cap"]
        let canonical = aliases[name] ?? name
        guard let field = fields.first(where: { $0.name == canonical }) else {
            throw DealInputError(
                "unknown field \"\(name)\" in --set; expected one of \(fields.map(\.name).joined(separator: ", "))"
            )
        }
        return (field.name, field.maskField, value)
    }

    /// Sets each assigned field on `deal` and returns the update mask.
    public static func apply(_ assignments: [String], to deal: inout Dealstore_V1_Deal) throws -> [String] {
        var mask: [String] = []
        for assignment in assignments {
            let (field, maskField, value) = try Self.split(assignment, fields: Self.dealFields)
            let empty = value.trimmingSpaces().isEmpty
            switch field {
            case "title": deal.title = value
            case "notes": deal.notes = value
            case "target": deal.targetID = value
            case "status":
                deal.status =
                    empty
                    ? .unspecified : try DealEnumNames.parse(value, as: Dealstore_V1_DealStatus.self, what: "status")
            case "type":
                deal.type =
                    empty
                    ? .unspecified : try DealEnumNames.parse(value, as: Dealstore_V1_DealType.self, what: "deal type")
            case "announced":
                deal.announced = empty ? Dealstore_V1_PartialDate() : try DealDateParser.parse(value)
            case "closed":
                deal.closed = empty ? Dealstore_V1_PartialDate() : try DealDateParser.parse(value)
            case "amount":
                deal.amount = empty ? Dealstore_V1_Money() : try DealMoneyParser().parse(value)
            default:
                deal.commitmentCap = empty ? Dealstore_V1_Money() : try DealMoneyParser().parse(value)
            }
            if !mask.contains(maskField) {
                mask.append(maskField)
            }
        }
        return mask
    }

    /// Sets each assigned field on `organization` and returns the update mask.
    public static func apply(
        _ assignments: [String],
        to organization: inout Dealstore_V1_Organization
    ) throws -> [String] {
        var mask: [String] = []
        for assignment in assignments {
            let (field, maskField, value) = try Self.split(assignment, fields: Self.organizationFields)
            switch field {
            case "name": organization.name = value
            case "website": organization.website = value
            case "description": organization.description_p = value
            case "aliases":
                organization.aliases = value.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            case "kind":
                organization.kind =
                    value.isEmpty
                    ? .unspecified
                    : try DealEnumNames.parse(value, as: Dealstore_V1_OrganizationKind.self, what: "organization kind")
            default:
                try Self.applyContext(field, value, to: &organization)
            }
            if !mask.contains(maskField) {
                mask.append(maskField)
            }
        }
        return mask
    }
}
