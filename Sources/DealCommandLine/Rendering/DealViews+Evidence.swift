public import DealModel
import SwiftProtobuf

extension DealViews {
    /// One deal with the evidence of each figure: the detail view followed by the quotes, in the table format;
    /// one row per quote in CSV; the whole record (its evidence and its sources' excerpts) in JSON.
    public static func dealWithEvidence(_ deal: Dealstore_V1_Deal) -> DealOutputDocument {
        let figures = DealFigureEvidence.all(in: deal)
        var document = Self.deal(deal)
        var text = Self.detail(deal) + "\n" + Self.evidenceText(figures)
        // Gaps are shown, not hidden: a figure nobody can trace to a sentence is worth knowing about.
        let unsupported = DealFigureEvidence.unsupported(in: deal)
        if !unsupported.isEmpty {
            text += "\nWithout evidence\n" + unsupported.map { "  \($0)\n" }.joined()
        }
        document.customTable = text
        document.csvHeader = [
            "record_id", "item", "field", "value", "source_id", "excerpt_id", "paragraph", "sentence", "text",
            "translation", "inference",
        ]
        document.csvRows = Self.evidenceCSVRows(figures)
        return document
    }

    /// The "Evidence" section: each figure, then each quote with its source and place, then the inference.
    static func evidenceText(_ figures: [DealFigureEvidence]) -> String {
        guard !figures.isEmpty else { return "Evidence\n  (none recorded)\n" }
        var text = "Evidence\n"
        for figure in figures {
            text += "  \(figure.figure)" + (figure.value.isEmpty ? "" : " = \(figure.value)") + "\n"
            for quote in figure.quotes {
                let location = DealFigureEvidence.location(quote.excerpt)
                text += "    \(quote.sourceID)" + (location.isEmpty ? "" : ", \(location)") + ":\n"
                text += "      \"\(quote.excerpt.text)\"\n"
                if !quote.excerpt.translation.isEmpty {
                    text += "      (\(quote.excerpt.translation))\n"
                }
            }
            if !figure.inference.isEmpty {
                text += "    inferred: \(figure.inference)\n"
            }
        }
        return text
    }

    /// One CSV row per quote of each figure; a figure without resolvable quotes keeps one row with empty quote cells.
    static func evidenceCSVRows(_ figures: [DealFigureEvidence]) -> [[String]] {
        figures.flatMap { figure -> [[String]] in
            let head = [figure.recordID, figure.item, figure.field, figure.value]
            guard !figure.quotes.isEmpty else { return [head + ["", "", "", "", "", "", figure.inference]] }
            return figure.quotes.map { quote in
                head + [
                    quote.sourceID, quote.excerpt.id, quote.excerpt.paragraph == 0 ? "" : "\(quote.excerpt.paragraph)",
                    quote.excerpt.sentence == 0 ? "" : "\(quote.excerpt.sentence)", quote.excerpt.text,
                    quote.excerpt.translation, figure.inference,
                ]
            }
        }
    }

    /// The excerpts that make a disputed claim: those its `claimed_value` evidence cites, on the claim's source.
    static func claimQuotes(_ conflict: Dealstore_V1_Conflict) -> [Dealstore_V1_Excerpt] {
        let ids = conflict.claim.evidence.filter { $0.field == "claimed_value" }.flatMap(\.excerptIds)
        return ids.compactMap { id in conflict.source.excerpts.first { $0.id == id } }
    }

    /// How much each source supports: the records it appears in, the figures it backs, the figures quoting it.
    struct SourceUsage {
        var source: Dealstore_V1_Source
        var recordIDs: [String] = []
        /// Items (participations, tranches, terms, claims, facts) listing the source in their source ids.
        var itemCount = 0
        /// Figures whose evidence quotes the source, or whose item lists it.
        var figures: [DealFigureEvidence] = []
        /// How many of ``figures`` quote the source's own words.
        var quotedCount = 0
        var excerptIDs: Set<String> = []
    }

    /// Sources across deals and organizations, one row per source (copies of a source with the same id,
    /// publisher and title in several records are one row), with how many figures each supports.
    public static func sources(
        deals: [Dealstore_V1_Deal],
        organizations: [Dealstore_V1_Organization]
    ) -> DealOutputDocument {
        var usages: [String: SourceUsage] = [:]
        var order: [String] = []
        func key(_ source: Dealstore_V1_Source) -> String {
            [source.id, source.publisher, source.title].joined(separator: "\u{1F}")
        }
        func record(
            _ recordID: String,
            _ sources: [Dealstore_V1_Source],
            _ itemSources: [[String]],
            _ figures: [DealFigureEvidence]
        ) {
            let keys = Dictionary(sources.map { ($0.id, key($0)) }, uniquingKeysWith: { first, _ in first })
            for source in sources {
                let sourceKey = key(source)
                if usages[sourceKey] == nil {
                    usages[sourceKey] = SourceUsage(source: source)
                    order.append(sourceKey)
                }
                usages[sourceKey]?.recordIDs.append(recordID)
                usages[sourceKey]?.excerptIDs.formUnion(source.excerpts.map(\.id))
            }
            for ids in itemSources {
                for id in Set(ids) { if let sourceKey = keys[id] { usages[sourceKey]?.itemCount += 1 } }
            }
            for figure in figures {
                let quoted = Set(figure.quotes.map(\.sourceID))
                for id in quoted.union(figure.sourceIDs) {
                    guard let sourceKey = keys[id] else { continue }
                    usages[sourceKey]?.figures.append(figure)
                    if quoted.contains(id) { usages[sourceKey]?.quotedCount += 1 }
                }
            }
        }
        for deal in deals {
            let items: [[String]] =
                deal.participations.map(\.sourceIds) + deal.tranches.map(\.sourceIds) + deal.options.map(\.sourceIds)
                + deal.valuations.map(\.sourceIds) + deal.strategicTerms.map(\.sourceIds)
                + deal.disputedClaims.map { [$0.sourceID] }
            record(deal.id, deal.sources, items, DealFigureEvidence.all(in: deal))
        }
        for organization in organizations {
            record(
                organization.id,
                organization.sources,
                organization.facts.map(\.sourceIds),
                DealFigureEvidence.all(in: organization)
            )
        }
        let rows = order.compactMap { usages[$0] }.sorted {
            ($0.figures.count, $1.source.id) > ($1.figures.count, $0.source.id)
        }
        return DealOutputDocument(
            columns: [
                .init("id"), .init("publisher", flexible: true), .init("published"), .init("lang"),
                .init("confidence"), .init("records", alignment: .right), .init("items", alignment: .right),
                .init("figures", alignment: .right), .init("quoted", alignment: .right),
                .init("excerpts", alignment: .right), .init("title", flexible: true),
            ],
            tableRows: rows.map { usage in
                [
                    usage.source.id, usage.source.publisher, DealDateFormatter.format(usage.source.published),
                    usage.source.language, DealEnumNames.name(usage.source.confidence), "\(usage.recordIDs.count)",
                    "\(usage.itemCount)", "\(usage.figures.count)", "\(usage.quotedCount)",
                    "\(usage.excerptIDs.count)", usage.source.title,
                ]
            },
            csvHeader: [
                "source_id", "publisher", "published", "language", "confidence", "record_ids", "item_count",
                "figure_count", "quoted_figure_count", "excerpt_count", "title", "url",
            ],
            csvRows: rows.map { usage in
                [
                    usage.source.id, usage.source.publisher, DealDateFormatter.formatISO(usage.source.published),
                    usage.source.language, DealEnumNames.name(usage.source.confidence),
                    usage.recordIDs.joined(separator: ";"), "\(usage.itemCount)", "\(usage.figures.count)",
                    "\(usage.quotedCount)", "\(usage.excerptIDs.count)", usage.source.title, usage.source.url,
                ]
            },
            records: rows.map(Self.sourceRecord),
            footer: Self.count(rows.count, "source")
        )
    }

    /// A source's row for JSON: the source itself (with its excerpts), where it appears and the figures it backs.
    static func sourceRecord(_ usage: SourceUsage) -> Google_Protobuf_Struct {
        func strings(_ values: [String]) -> Google_Protobuf_Value {
            Google_Protobuf_Value(
                listValue: Google_Protobuf_ListValue(values: values.map { Google_Protobuf_Value(stringValue: $0) })
            )
        }
        let source =
            (try? Google_Protobuf_Struct(jsonString: usage.source.jsonString())) ?? Google_Protobuf_Struct()
        let figures = usage.figures.map { figure in
            Google_Protobuf_Value(
                structValue: Google_Protobuf_Struct(fields: [
                    "recordId": Google_Protobuf_Value(stringValue: figure.recordID),
                    "item": Google_Protobuf_Value(stringValue: figure.item),
                    "field": Google_Protobuf_Value(stringValue: figure.field),
                    "value": Google_Protobuf_Value(stringValue: figure.value),
                    "excerptIds": strings(
                        figure.quotes.filter { $0.sourceID == usage.source.id }.map(\.excerpt.id)
                    ),
                ])
            )
        }
        return Google_Protobuf_Struct(fields: [
            "source": Google_Protobuf_Value(structValue: source),
            "recordIds": strings(usage.recordIDs),
            "itemCount": Google_Protobuf_Value(numberValue: Double(usage.itemCount)),
            "figureCount": Google_Protobuf_Value(numberValue: Double(usage.figures.count)),
            "quotedFigureCount": Google_Protobuf_Value(numberValue: Double(usage.quotedCount)),
            "figures": Google_Protobuf_Value(listValue: Google_Protobuf_ListValue(values: figures)),
        ])
    }
}
