import DealModel

/// Reads, from a stored deal's bytes, only the fields its ``DealIndexEntry`` is built from, into an otherwise
/// empty `Dealstore_V1_Deal` (a skeleton), without SwiftProtobuf's generic decoder.
///
/// Loading a snapshot builds one index entry per deal; decoding each deal in full (titles, notes, sources,
/// valuations, through a visitor over field descriptors) made a restart with a million deals take tens of
/// seconds. The skeleton goes through the same `DealIndexEntry.init(deal:bytes:)`, so the entry is the same by
/// construction. Anything unexpected (a wire type that does not match the schema, a singular message field seen
/// twice, invalid UTF-8, truncation) returns `nil` and the caller decodes in full.
enum DealIndexSkeletonDecoder {
    static func skeleton(_ bytes: [UInt8]) -> Dealstore_V1_Deal? {
        bytes.withUnsafeBytes { raw -> Dealstore_V1_Deal? in
            var reader = DealWireReader(bytes: raw)
            var deal = Dealstore_V1_Deal()
            // Singular message fields seen so far, as bits (6, 8, 31): no allocation per deal.
            var seen: UInt64 = 0
            while !reader.isAtEnd {
                guard let (field, wire) = reader.tag() else { return nil }
                switch (field, wire) {
                case (1, 2):
                    guard let value = reader.string() else { return nil }
                    deal.id = value
                case (2, 2):
                    guard let value = reader.string() else { return nil }
                    deal.targetID = value
                case (3, 0):
                    guard let value = reader.int32() else { return nil }
                    deal.type = Dealstore_V1_DealType(rawValue: Int(value)) ?? .UNRECOGNIZED(Int(value))
                case (4, 0):
                    guard let value = reader.int32() else { return nil }
                    deal.status = Dealstore_V1_DealStatus(rawValue: Int(value)) ?? .UNRECOGNIZED(Int(value))
                case (6, 2), (8, 2), (31, 2):
                    // Singular messages merge when repeated on the wire: leave that to the full decoder.
                    let bit: UInt64 = 1 << UInt64(field)
                    guard seen & bit == 0, let nested = reader.lengthDelimited() else { return nil }
                    seen |= bit
                    var inner = DealWireReader(bytes: nested)
                    if field == 6 {
                        guard let date = Self.date(&inner) else { return nil }
                        deal.announced = date
                    } else if field == 8 {
                        guard let money = Self.money(&inner) else { return nil }
                        deal.amount = money
                    } else {
                        guard let revision = Self.updateRevision(&inner) else { return nil }
                        deal.meta.updateRevision = revision
                    }
                case (10, 2):
                    guard let nested = reader.lengthDelimited(), let value = Self.participation(nested) else {
                        return nil
                    }
                    deal.participations.append(value)
                case (11, 2):
                    guard let nested = reader.lengthDelimited(), let value = Self.tranche(nested) else { return nil }
                    deal.tranches.append(value)
                case (12, 2):
                    guard let nested = reader.lengthDelimited(), let holder = Self.stringField(2, in: nested) else {
                        return nil
                    }
                    var option = Dealstore_V1_InvestmentOption()
                    option.holderID = holder
                    deal.options.append(option)
                case (14, 2):
                    guard let nested = reader.lengthDelimited(), let party = Self.stringField(2, in: nested) else {
                        return nil
                    }
                    var term = Dealstore_V1_StrategicTerm()
                    term.partyID = party
                    deal.strategicTerms.append(term)
                case (16, 2):
                    guard reader.lengthDelimited() != nil else { return nil }
                    deal.disputedClaims.append(Dealstore_V1_DisputedClaim())
                case (5, 2), (7, 2), (9, 2), (13, 2), (15, 2), (17, 2), (18, 2):
                    // title, closed, commitment_cap, valuations, sources, notes, evidence: not indexed.
                    guard reader.lengthDelimited() != nil else { return nil }
                default:
                    return nil
                }
            }
            return deal
        }
    }

    private static func date(_ reader: inout DealWireReader) -> Dealstore_V1_PartialDate? {
        var date = Dealstore_V1_PartialDate()
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag(), wire == 0, let value = reader.int32() else { return nil }
            switch field {
            case 1: date.year = value
            case 2: date.month = value
            case 3: date.day = value
            case 4: date.precision = Dealstore_V1_DatePrecision(rawValue: Int(value)) ?? .UNRECOGNIZED(Int(value))
            default: return nil
            }
        }
        return date
    }

    private static func money(_ reader: inout DealWireReader) -> Dealstore_V1_Money? {
        var money = Dealstore_V1_Money()
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag() else { return nil }
            switch (field, wire) {
            case (1, 2):
                guard let value = reader.string() else { return nil }
                money.currencyCode = value
            case (2, 0):
                guard let value = reader.varint() else { return nil }
                money.units = Int64(bitPattern: value)
            case (3, 0):
                guard let value = reader.int32() else { return nil }
                money.nanos = value
            default:
                return nil
            }
        }
        return money
    }

    private static func updateRevision(_ reader: inout DealWireReader) -> UInt64? {
        var revision: UInt64 = 0
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag() else { return nil }
            switch (field, wire) {
            case (1, 0), (4, 0), (5, 0):
                guard reader.varint() != nil else { return nil }
            case (2, 0):
                guard let value = reader.varint() else { return nil }
                revision = value
            case (3, 2):
                guard reader.lengthDelimited() != nil else { return nil }
            default:
                return nil
            }
        }
        return revision
    }

    private static func participation(_ bytes: UnsafeRawBufferPointer) -> Dealstore_V1_Participation? {
        var reader = DealWireReader(bytes: bytes)
        var participation = Dealstore_V1_Participation()
        var sawCommitted = false
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag() else { return nil }
            switch (field, wire) {
            case (1, 2):
                guard let value = reader.string() else { return nil }
                participation.investorID = value
            case (2, 0):
                guard let value = reader.int32() else { return nil }
                participation.role = Dealstore_V1_InvestorRole(rawValue: Int(value)) ?? .UNRECOGNIZED(Int(value))
            case (3, 2):
                guard !sawCommitted, let nested = reader.lengthDelimited() else { return nil }
                sawCommitted = true
                var inner = DealWireReader(bytes: nested)
                guard let money = Self.money(&inner) else { return nil }
                participation.committed = money
            case (4, 2), (5, 2), (6, 2):
                // stake, source_ids, evidence: not indexed.
                guard reader.lengthDelimited() != nil else { return nil }
            default:
                return nil
            }
        }
        return participation
    }

    private static func tranche(_ bytes: UnsafeRawBufferPointer) -> Dealstore_V1_Tranche? {
        var reader = DealWireReader(bytes: bytes)
        var tranche = Dealstore_V1_Tranche()
        var sawAmount = false
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag() else { return nil }
            switch (field, wire) {
            case (2, 2):
                guard let value = reader.string() else { return nil }
                tranche.investorID = value
            case (3, 2):
                guard !sawAmount, let nested = reader.lengthDelimited() else { return nil }
                sawAmount = true
                var inner = DealWireReader(bytes: nested)
                guard let money = Self.money(&inner) else { return nil }
                tranche.amount = money
            case (7, 0):
                guard let value = reader.int32() else { return nil }
                tranche.status = Dealstore_V1_TrancheStatus(rawValue: Int(value)) ?? .UNRECOGNIZED(Int(value))
            case (1, 2), (5, 2), (6, 2), (8, 2), (9, 2):
                guard reader.lengthDelimited() != nil else { return nil }
            case (4, 0):
                guard reader.varint() != nil else { return nil }
            default:
                return nil
            }
        }
        return tranche
    }

    /// The last value of string field `number` in a message whose other fields are skipped by wire type.
    private static func stringField(_ number: Int, in bytes: UnsafeRawBufferPointer) -> String? {
        var reader = DealWireReader(bytes: bytes)
        var result = ""
        while !reader.isAtEnd {
            guard let (field, wire) = reader.tag() else { return nil }
            if field == number {
                guard wire == 2, let value = reader.string() else { return nil }
                result = value
                continue
            }
            switch wire {
            case 0: guard reader.varint() != nil else { return nil }
            case 2: guard reader.lengthDelimited() != nil else { return nil }
            default: return nil
            }
        }
        return result
    }
}
