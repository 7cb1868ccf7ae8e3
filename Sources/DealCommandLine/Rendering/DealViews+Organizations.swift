public import DealModel

extension DealViews {
    /// A list of organizations.
    public static func organizations(
        _ organizations: [Dealstore_V1_Organization],
        footer: String? = nil
    ) -> DealOutputDocument {
        DealOutputDocument(
            columns: [
                .init("id"), .init("name"), .init("kind"), .init("aliases", flexible: true),
                .init("website", flexible: true),
            ],
            tableRows: organizations.map {
                [$0.id, $0.name, DealEnumNames.name($0.kind), $0.aliases.joined(separator: ", "), $0.website]
            },
            csvHeader: ["id", "name", "kind", "aliases", "website", "description", "etag"],
            csvRows: organizations.map {
                [
                    $0.id, $0.name, DealEnumNames.name($0.kind), $0.aliases.joined(separator: ";"), $0.website,
                    $0.description_p, $0.meta.etag,
                ]
            },
            records: organizations,
            footer: footer
        )
    }

    /// One organization as a field list.
    public static func organization(_ organization: Dealstore_V1_Organization) -> DealOutputDocument {
        var document = Self.organizations([organization])
        document.isSingleRecord = true
        var fields: [(String, String)] = [
            ("id", organization.id), ("name", organization.name), ("kind", DealEnumNames.name(organization.kind)),
            ("aliases", organization.aliases.joined(separator: ", ")), ("website", organization.website),
            ("description", organization.description_p),
        ]
        fields += Self.contextFields(organization)
        for (system, identifier) in organization.externalIds.sorted(by: { $0.key < $1.key }) {
            fields.append((system, identifier))
        }
        fields.append(("etag", organization.meta.etag))
        fields.removeAll { $0.1.isEmpty }
        let text = DealTableRenderer(columns: [.init(""), .init("")], maximumCellWidth: nil)
            .render(fields.map { [$0.0 + ":", $0.1] })
        var detail = String(text.drop(while: { $0 != "\n" }).dropFirst())
        // Facts are short and few: shown with their quotes, so each can be checked against its source's words.
        let facts = DealFigureEvidence.all(in: organization)
        if !facts.isEmpty {
            detail += "\n" + Self.evidenceText(facts)
        }
        document.customTable = detail
        return document
    }
}
