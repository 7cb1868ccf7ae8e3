public import DealModel
public import DealProtocol

extension DealViews {
    /// The server's serving status.
    public static func health(_ response: Dealstore_V1_HealthCheckResponse) -> DealOutputDocument {
        let status = DealEnumNames.name(response.status).uppercased()
        return DealOutputDocument(
            columns: [.init("status"), .init("reason")],
            tableRows: [[status, response.reason]],
            csvHeader: ["status", "reason"],
            csvRows: [[status, response.reason]],
            records: [response],
            isSingleRecord: true,
            customTable: response.reason.isEmpty ? status + "\n" : "\(status): \(response.reason)\n"
        )
    }

    /// Server versions, revisions, counts and the caller's role.
    public static func serverInfo(_ info: Dealstore_V1_ServerInfo, address: String) -> DealOutputDocument {
        let fields: [(String, String)] = [
            ("address", address),
            ("server version", info.serverVersion),
            ("protocol versions", "\(info.minProtocolVersion)–\(info.maxProtocolVersion)"),
            ("TLS library", info.tlsLibraryVersion),
            ("store revision", "\(info.storeRevision)"),
            ("compacted revision", "\(info.compactedRevision)"),
            ("uptime", Self.duration(seconds: info.uptimeSeconds)),
            ("deals", "\(info.dealCount)"),
            ("organizations", "\(info.organizationCount)"),
            ("your role", info.callerRole.isEmpty ? "anonymous" : info.callerRole),
            ("methods", "\(info.methods.count)"),
        ]
        return DealOutputDocument(
            columns: [.init("field"), .init("value")],
            tableRows: fields.map { [$0.0 + ":", $0.1] },
            csvHeader: fields.map { $0.0.replacingAll(" ", with: "_").lowercased() },
            csvRows: [fields.map(\.1)],
            records: [info],
            isSingleRecord: true,
            customTable: String(
                DealTableRenderer(columns: [.init(""), .init("")], maximumCellWidth: nil)
                    .render(fields.map { [$0.0 + ":", $0.1] }).drop(while: { $0 != "\n" }).dropFirst()
            )
        )
    }

    /// `3d 4h 5m 6s`, leaving out leading zero units.
    static func duration(seconds: UInt64) -> String {
        let parts: [(UInt64, String)] = [
            (seconds / 86_400, "d"), (seconds % 86_400 / 3_600, "h"), (seconds % 3_600 / 60, "m"), (seconds % 60, "s"),
        ]
        let shown = parts.drop(while: { $0.0 == 0 && $0.1 != "s" })
        return shown.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }

    /// One change of the feed as a line for people: revision, kind, record kind, id and a summary.
    public static func changeLine(_ event: Dealstore_V1_ChangeEvent) -> String {
        let kind = DealEnumNames.name(event.kind)
        switch event.record.record {
        case .deal(let deal):
            let amount = Self.money(deal.amount)
            return "rev \(event.revision)  \(kind)  deal \(deal.id)"
                + (deal.title.isEmpty ? "" : "  \"\(deal.title)\"") + (amount.isEmpty ? "" : "  \(amount)")
        case .organization(let organization):
            return "rev \(event.revision)  \(kind)  organization \(organization.id)"
                + (organization.name.isEmpty ? "" : "  \"\(organization.name)\"")
        case nil:
            return "rev \(event.revision)  \(kind)"
        }
    }
}
