public import DealModel

extension DealViews {
    /// Everything one publisher (or source) reported (ListSourceReports): one row per record citing it, with what
    /// in the record rests on it and the claims it made.
    public static func sourceReports(_ reports: [Dealstore_V1_SourceReport]) -> DealOutputDocument {
        func record(_ report: Dealstore_V1_SourceReport) -> (kind: String, id: String, title: String) {
            report.dealID.isEmpty
                ? ("organization", report.organizationID, report.organizationName)
                : ("deal", report.dealID, report.dealTitle)
        }
        return DealOutputDocument(
            columns: [
                .init("record"), .init("title", flexible: true), .init("source"), .init("publisher"),
                .init("published"), .init("items", flexible: true), .init("claims"),
            ],
            tableRows: reports.map { report in
                let (kind, id, title) = record(report)
                return [
                    "\(kind) \(id)", title, report.source.id, report.source.publisher,
                    report.source.hasPublished ? DealDateFormatter.format(report.source.published) : "",
                    report.items.joined(separator: ", "), report.claimIds.joined(separator: ", "),
                ]
            },
            csvHeader: [
                "record_kind", "record_id", "record_title", "source_id", "publisher", "title", "url", "published",
                "items", "claim_ids", "catalog_id",
            ],
            csvRows: reports.map { report in
                let (kind, id, title) = record(report)
                return [
                    kind, id, title, report.source.id, report.source.publisher, report.source.title, report.source.url,
                    report.source.hasPublished ? DealDateFormatter.format(report.source.published) : "",
                    report.items.joined(separator: ";"), report.claimIds.joined(separator: ";"), report.catalogID,
                ]
            },
            records: reports,
            footer: "\(reports.count) record\(reports.count == 1 ? "" : "s") citing it"
        )
    }

    /// The store's source catalog (ListSources): one row per distinct source, with how many records' sources cite it.
    public static func catalogSources(_ sources: [Dealstore_V1_CatalogSource]) -> DealOutputDocument {
        DealOutputDocument(
            columns: [
                .init("catalog id"), .init("publisher"), .init("title", flexible: true), .init("published"),
                .init("url", flexible: true), .init("citations", alignment: .right),
            ],
            tableRows: sources.map { source in
                [
                    source.id, source.publisher, source.title,
                    source.hasPublished ? DealDateFormatter.format(source.published) : "", source.url,
                    String(source.citationCount),
                ]
            },
            csvHeader: ["catalog_id", "publisher", "title", "published", "url", "citations", "publishers"],
            csvRows: sources.map { source in
                [
                    source.id, source.publisher, source.title,
                    source.hasPublished ? DealDateFormatter.format(source.published) : "", source.url,
                    String(source.citationCount), source.publishers.joined(separator: ";"),
                ]
            },
            records: sources,
            footer: "\(sources.count) source\(sources.count == 1 ? "" : "s") in the catalog"
        )
    }
}
