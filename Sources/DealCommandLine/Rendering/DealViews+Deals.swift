public import DealModel

extension DealViews {
    /// A list of deals: one row each, with the headline amount and cap.
    ///
    /// `normalizedTo` (a currency the server normalised into, `deals list --normalize`) adds the headline amount in
    /// it beside the native one, or why it has none ("no rate").
    public static func deals(
        _ deals: [Dealstore_V1_Deal],
        footer: String? = nil,
        normalizedTo: String? = nil
    ) -> DealOutputDocument {
        var document = Self.nativeDeals(deals, footer: footer)
        guard let currency = normalizedTo else { return document }
        func converted(_ deal: Dealstore_V1_Deal) -> (table: String, plain: String) {
            guard deal.hasAmount else { return ("", "") }
            switch deal.amountNormalized.status {
            case .converted, .sameCurrency:
                return (Self.money(deal.amountNormalized.amount), Self.plainMoney(deal.amountNormalized.amount))
            default: return ("no rate", "")
            }
        }
        // After the native amount and cap (columns 6 and 7), before the title.
        document.columns.insert(.init("in \(currency)", alignment: .right), at: 8)
        for (index, deal) in deals.enumerated() { document.tableRows[index].insert(converted(deal).table, at: 8) }
        document.csvHeader += ["amount_normalized", "normalized_currency"]
        for (index, deal) in deals.enumerated() { document.csvRows[index] += [converted(deal).plain, currency] }
        return document
    }

    static func nativeDeals(_ deals: [Dealstore_V1_Deal], footer: String?) -> DealOutputDocument {
        DealOutputDocument(
            columns: [
                .init("id"), .init("announced"), .init("target"), .init("investors", flexible: true), .init("type"),
                .init("status"), .init("amount", alignment: .right), .init("cap", alignment: .right),
                .init("title", flexible: true),
            ],
            tableRows: deals.map { deal in
                [
                    deal.id, DealDateFormatter.format(deal.announced), deal.targetID,
                    Self.investors(deal).joined(separator: ", "), DealEnumNames.name(deal.type),
                    DealEnumNames.name(deal.status), Self.money(deal.amount), Self.money(deal.commitmentCap),
                    deal.title,
                ]
            },
            csvHeader: [
                "id", "announced", "target_id", "investor_ids", "type", "status", "amount", "currency",
                "commitment_cap", "cap_currency", "title", "etag",
            ],
            csvRows: deals.map { deal in
                [
                    deal.id, DealDateFormatter.formatISO(deal.announced), deal.targetID,
                    Self.investors(deal).joined(separator: ";"), DealEnumNames.name(deal.type),
                    DealEnumNames.name(deal.status), Self.plainMoney(deal.amount), deal.amount.currencyCode,
                    Self.plainMoney(deal.commitmentCap), deal.commitmentCap.currencyCode, deal.title, deal.meta.etag,
                ]
            },
            records: deals,
            footer: footer
        )
    }

    /// One deal: a detail view in the table format, the whole record in JSON.
    public static func deal(_ deal: Dealstore_V1_Deal) -> DealOutputDocument {
        var document = Self.deals([deal])
        document.isSingleRecord = true
        document.customTable = Self.detail(deal)
        return document
    }

    static func investors(_ deal: Dealstore_V1_Deal) -> [String] {
        var seen: [String] = []
        for participation in deal.participations where !seen.contains(participation.investorID) {
            seen.append(participation.investorID)
        }
        return seen
    }

    /// The detail view: fields, then one small table per repeated part that is present.
    static func detail(_ deal: Dealstore_V1_Deal) -> String {
        var fields: [(String, String)] = [
            ("id", deal.id), ("title", deal.title), ("target", deal.targetID),
            ("type", DealEnumNames.name(deal.type)), ("status", DealEnumNames.name(deal.status)),
            ("announced", DealDateFormatter.format(deal.announced)), ("closed", DealDateFormatter.format(deal.closed)),
            ("amount", Self.money(deal.amount)), ("cap", Self.money(deal.commitmentCap)), ("notes", deal.notes),
            ("etag", deal.meta.etag),
            ("revision", deal.meta.updateRevision == 0 ? "" : "\(deal.meta.updateRevision)"),
        ]
        fields.removeAll { $0.1.isEmpty }
        var text = DealTableRenderer(
            columns: [.init(""), .init("")],
            maximumCellWidth: nil
        ).render(fields.map { [$0.0 + ":", $0.1] })
        // The two-column field list needs no header line.
        text = String(text.drop(while: { $0 != "\n" }).dropFirst())

        func section(_ title: String, _ columns: [DealTableRenderer.Column], _ rows: [[String]]) {
            guard !rows.isEmpty else { return }
            text += "\n" + title + "\n"
            text += DealTableRenderer(columns: columns).render(rows).split(separator: "\n").map { "  " + $0 + "\n" }
                .joined()
        }
        section(
            "Participations",
            [
                .init("investor"), .init("role"), .init("committed", alignment: .right),
                .init("stake", alignment: .right),
            ],
            deal.participations.map {
                [$0.investorID, DealEnumNames.name($0.role), Self.money($0.committed), Self.percentage($0.stake)]
            }
        )
        section(
            "Tranches",
            [
                .init("id"), .init("investor"), .init("kind"), .init("amount", alignment: .right), .init("due"),
                .init("status"), .init("condition"),
            ],
            deal.tranches.map {
                [
                    $0.id, $0.investorID, DealEnumNames.name($0.kind), Self.money($0.amount),
                    DealDateFormatter.format($0.due), DealEnumNames.name($0.status), $0.condition,
                ]
            }
        )
        section(
            "Options",
            [.init("id"), .init("holder"), .init("up to", alignment: .right), .init("expires"), .init("exercised by")],
            deal.options.map {
                [
                    $0.id, $0.holderID, Self.money($0.maximum), DealDateFormatter.format($0.expires),
                    $0.exercisedByTrancheID,
                ]
            }
        )
        section(
            "Valuations",
            [.init("kind"), .init("amount", alignment: .right), .init("as of")],
            deal.valuations.map {
                [
                    DealEnumNames.name($0.kind), ($0.approximate ? "~" : "") + Self.money($0.amount),
                    DealDateFormatter.format($0.asOf),
                ]
            }
        )
        section(
            "Strategic terms",
            [.init("kind"), .init("party"), .init("value"), .init("since"), .init("description")],
            deal.strategicTerms.map {
                [
                    DealEnumNames.name($0.kind), $0.partyID, $0.value, DealDateFormatter.format($0.since),
                    $0.description_p,
                ]
            }
        )
        section(
            "Sources",
            [
                .init("id"), .init("publisher"), .init("published"), .init("lang"), .init("confidence"),
                .init("quotes", alignment: .right), .init("url"), .init("title"),
            ],
            deal.sources.map {
                [
                    $0.id, $0.publisher, DealDateFormatter.format($0.published), $0.language,
                    DealEnumNames.name($0.confidence), $0.excerpts.isEmpty ? "" : "\($0.excerpts.count)", $0.url,
                    $0.title,
                ]
            }
        )
        section(
            "Disputed claims",
            [
                .init("field"), .init("claimed"), .init("accepted"), .init("status"), .init("source"),
                .init("explanation"),
            ],
            deal.disputedClaims.map {
                [$0.field, $0.claimedValue, $0.acceptedValue, Self.claimStatus($0), $0.sourceID, $0.explanation]
            }
        )
        return text
    }
}
