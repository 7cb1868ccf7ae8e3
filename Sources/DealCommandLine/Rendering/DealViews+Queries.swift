public import DealModel
public import DealProtocol

extension DealViews {
    /// The width of the totals bars, in characters.
    static let barWidth = 30

    /// Grouped totals with a bar per row, scaled to the largest total in the same currency.
    ///
    /// A group with several currencies gets one row per currency. `funded` draws the bars from funded totals
    /// instead of committed ones. A total the server flagged saturated (too large for a Money) reads `≥` the
    /// amount shown.
    public static func totals(_ groups: [Dealstore_V1_SummaryGroup], funded: Bool) -> DealOutputDocument {
        func measure(_ total: Dealstore_V1_CurrencyTotal) -> Dealstore_V1_Money {
            funded ? total.funded : total.committed
        }
        // Bars compare amounts only within one currency: a dollar bar and a euro bar are not comparable.
        var largest: [String: Double] = [:]
        for group in groups {
            for total in group.totals {
                largest[total.currencyCode] = max(largest[total.currencyCode] ?? 0, Self.approximate(measure(total)))
            }
        }
        var tableRows: [[String]] = []
        var csvRows: [[String]] = []
        for group in groups {
            let label = group.label.isEmpty ? group.key : group.label
            if group.totals.isEmpty {
                tableRows.append([label, "\(group.dealCount)", "", "", ""])
            }
            for (index, total) in group.totals.enumerated() {
                let scale = largest[total.currencyCode] ?? 0
                let fraction = scale > 0 ? Self.approximate(measure(total)) / scale : 0
                tableRows.append([
                    index == 0 ? label : "", index == 0 ? "\(group.dealCount)" : "",
                    (total.committedSaturated ? "≥" : "") + Self.money(total.committed),
                    (total.fundedSaturated ? "≥" : "") + Self.money(total.funded),
                    DealTableRenderer.bar(fraction: fraction, width: Self.barWidth),
                ])
            }
            for total in group.totals {
                // A saturated total is only a lower bound: `>=` keeps a script from reading it as the exact sum.
                csvRows.append([
                    group.key, group.label, "\(group.dealCount)", total.currencyCode,
                    (total.committedSaturated ? ">=" : "") + DealMoneyFormatter.plainDecimal(total.committed),
                    (total.fundedSaturated ? ">=" : "") + DealMoneyFormatter.plainDecimal(total.funded),
                ])
            }
        }
        return DealOutputDocument(
            columns: [
                .init("group"), .init("deals", alignment: .right), .init("committed", alignment: .right),
                .init("funded", alignment: .right),
                // The bar column needs no header: the bars follow the column named by --funded.
                .init(""),
            ],
            tableRows: tableRows,
            csvHeader: ["key", "label", "deal_count", "currency", "committed", "funded"],
            csvRows: csvRows,
            records: groups
        )
    }

    /// An amount as a floating-point number, only ever used to size bars.
    static func approximate(_ money: Dealstore_V1_Money) -> Double {
        Double(money.units) + Double(money.nanos) / 1e9
    }

    /// A company's timeline: events in date order, then its reported valuations.
    public static func timeline(_ timeline: Dealstore_V1_Timeline) -> DealOutputDocument {
        var document = DealOutputDocument(
            columns: [
                .init("date"), .init("event"), .init("deal"), .init("amount", alignment: .right),
                .init("description", flexible: true),
            ],
            tableRows: timeline.events.map {
                [
                    DealDateFormatter.format($0.date), DealEnumNames.name($0.kind), $0.dealID, Self.money($0.amount),
                    $0.description_p,
                ]
            },
            csvHeader: ["date", "event", "deal_id", "amount", "currency", "description"],
            csvRows: timeline.events.map {
                [
                    DealDateFormatter.formatISO($0.date), DealEnumNames.name($0.kind), $0.dealID,
                    Self.plainMoney($0.amount), $0.amount.currencyCode, $0.description_p,
                ]
            },
            records: [timeline],
            isSingleRecord: true
        )
        if !timeline.valuations.isEmpty {
            let valuations = DealTableRenderer(columns: [
                .init("valuation as of"), .init("kind"), .init("amount", alignment: .right),
            ]).render(
                timeline.valuations.map {
                    [
                        DealDateFormatter.format($0.asOf), DealEnumNames.name($0.kind),
                        ($0.approximate ? "~" : "") + Self.money($0.amount),
                    ]
                }
            )
            document.customTable =
                DealTableRenderer(columns: document.columns).render(document.tableRows)
                + "\n" + valuations
        }
        return document
    }

    /// The organizations that invested alongside an investor.
    public static func coInvestors(_ response: Dealstore_V1_ListCoInvestorsResponse) -> DealOutputDocument {
        DealOutputDocument(
            columns: [
                .init("id"), .init("name"), .init("shared targets", flexible: true), .init("deals", flexible: true),
            ],
            tableRows: response.coInvestors.map {
                [
                    $0.organizationID, $0.name, $0.sharedTargetIds.joined(separator: ", "),
                    $0.dealIds.joined(separator: ", "),
                ]
            },
            csvHeader: ["organization_id", "name", "shared_target_ids", "deal_ids"],
            csvRows: response.coInvestors.map {
                [
                    $0.organizationID, $0.name, $0.sharedTargetIds.joined(separator: ";"),
                    $0.dealIds.joined(separator: ";"),
                ]
            },
            records: response.coInvestors
        )
    }

    /// Disputed claims beside the accepted values, with the source that made each claim and its words.
    ///
    /// The quote is the source's own text (the excerpts the claim's `claimed_value` evidence cites); JSON carries
    /// the claim's evidence and the source's excerpts whole.
    public static func conflicts(_ conflicts: [Dealstore_V1_Conflict]) -> DealOutputDocument {
        DealOutputDocument(
            columns: [
                .init("deal"), .init("field"), .init("claimed", flexible: true), .init("accepted", flexible: true),
                .init("status"),
                // The quote comes last and whole: the words that make the claim, never cut.
                .init("source", flexible: true), .init("explanation", flexible: true), .init("quote", whole: true),
            ],
            tableRows: conflicts.map {
                [
                    $0.dealID.isEmpty ? $0.organizationID : $0.dealID, $0.claim.field, $0.claim.claimedValue,
                    $0.claim.acceptedValue, Self.claimStatus($0.claim), Self.sourceLabel($0.source),
                    $0.claim.explanation,
                    Self.claimQuotes($0).map { "\"\($0.text)\"" }.joined(separator: " "),
                ]
            },
            csvHeader: [
                "deal_id", "field", "claimed_value", "accepted_value", "source_publisher", "source_url",
                "source_language", "explanation", "source_id", "quote", "quote_translation", "quote_location",
                "status", "resolved_by", "resolved_time",
            ],
            csvRows: conflicts.map {
                let quotes = Self.claimQuotes($0)
                return [
                    $0.dealID, $0.claim.field, $0.claim.claimedValue, $0.claim.acceptedValue, $0.source.publisher,
                    $0.source.url, $0.source.language, $0.claim.explanation, $0.source.id,
                    quotes.map(\.text).joined(separator: "\n"), quotes.map(\.translation).joined(separator: "\n"),
                    quotes.map(DealFigureEvidence.location).joined(separator: "\n"),
                    Self.claimStatusWord($0.claim), $0.claim.resolvedBy, Self.claimResolvedTime($0.claim),
                ]
            },
            records: conflicts
        )
    }

    static func sourceLabel(_ source: Dealstore_V1_Source) -> String {
        var label = source.publisher.isEmpty ? source.id : source.publisher
        if !source.language.isEmpty {
            label += " (\(source.language))"
        }
        return label
    }
}
