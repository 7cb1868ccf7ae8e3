import DealModel
import Foundation
import SwiftProtobuf
import Testing

@Suite("Message census: fields counted on the wire before decoding")
struct DealMessageCensusTests {
    static let census = DealMessageCensus.dealStore

    static func count(_ message: some SwiftProtobuf.Message, limit: Int = .max) throws -> Int {
        let bytes: [UInt8] = try message.serializedBytes()
        return bytes.withUnsafeBytes {
            Self.census.fieldCount(ofMessage: type(of: message).protoMessageName, in: $0, limit: limit)
        }
    }

    @Test("every field occurrence is counted, inside sub-messages too")
    func nestedCounts() throws {
        var deal = Dealstore_V1_Deal()
        deal.id = "a"
        deal.title = "b"
        var participation = Dealstore_V1_Participation()
        participation.investorID = "x"
        var tranche = Dealstore_V1_Tranche()
        tranche.amount.units = 5
        tranche.amount.currencyCode = "USD"
        deal.participations = [participation, participation, participation]
        deal.tranches = [tranche, tranche]
        // id, title; per participation: itself, investor_id; per tranche: itself, amount, units, currency_code.
        #expect(try Self.count(deal) == 2 + 3 * 2 + 2 * 4)
    }

    @Test("empty sub-messages, two bytes each, are counted one by one")
    func emptySubmessages() throws {
        var deal = Dealstore_V1_Deal()
        deal.participations = Array(repeating: Dealstore_V1_Participation(), count: 10_000)
        #expect(try Self.count(deal) == 10_000)
        // The walk stops once past the limit.
        #expect(try Self.count(deal, limit: 100) == 101)
    }

    @Test("strings and unknown fields count once, whatever they contain")
    func leaves() throws {
        var deal = Dealstore_V1_Deal()
        // Bytes that parse as a message of many fields: a string field is never walked into.
        deal.notes = String(repeating: "\u{8}\u{1}", count: 1_000)
        #expect(try Self.count(deal) == 1)
        var unknown = deal
        var inner = Dealstore_V1_Deal()
        inner.participations = Array(repeating: Dealstore_V1_Participation(), count: 100)
        let innerBytes: [UInt8] = try inner.serializedBytes()
        // Field 999 as length-delimited: unknown to the schema, kept by the decoder as raw bytes.
        var raw: [UInt8] = try unknown.serializedBytes()
        raw += [0xBA, 0x3E] + Self.varint(innerBytes.count) + innerBytes
        unknown = try Dealstore_V1_Deal(serializedBytes: raw)
        #expect(try Self.count(unknown) == 2)
    }

    @Test("every method of the service has its request type in the schema")
    func methodsKnown() {
        let paths = [
            "/dealstore.v1.Deals/GetDeal", "/dealstore.v1.Deals/CreateDeal", "/dealstore.v1.Deals/ImportDeals",
            "/dealstore.v1.Organizations/CreateOrganization", "/dealstore.v1.Health/Check",
            "/dealstore.v1.Server/GetInfo",
        ]
        for path in paths {
            #expect(Self.census.requestType(ofMethod: path) != nil, "no request type for \(path)")
        }
        #expect(Self.census.requestType(ofMethod: "/dealstore.v1.Deals/CreateDeal") == "dealstore.v1.CreateDealRequest")
        #expect(Self.census.knows("dealstore.v1.Deal"))
    }

    @Test("a small request is never walked: it cannot pass the limit")
    func smallRequestsShortCut() throws {
        var request = Dealstore_V1_Deal()
        request.participations = Array(repeating: Dealstore_V1_Participation(), count: 50)
        let bytes: [UInt8] = try request.serializedBytes()
        let exceeds = bytes.withUnsafeBytes {
            Self.census.exceeds(49, requestOfMethod: "/dealstore.v1.Deals/GetDeal", bytes: $0)
        }
        // 100 bytes, limit 49: 100 / 2 > 49, so it is walked (as a GetDealRequest: field 7 unknown, 50 fields).
        #expect(exceeds)
        let under = bytes.withUnsafeBytes {
            Self.census.exceeds(50, requestOfMethod: "/dealstore.v1.Deals/GetDeal", bytes: $0)
        }
        #expect(!under)
    }

    @Test("the embedded schema is what protoc makes of Protocol/dealstore/v1 now (run Protocol/generate.sh)")
    func schemaIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let protocolDirectory = root.appendingPathComponent("Protocol")
        let generated = try String(
            contentsOf: root.appendingPathComponent("Sources/DealModel/Generated/dealstore_v1_descriptor_set.swift"),
            encoding: .utf8
        )
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("census-\(getpid()).pb")
        defer { try? FileManager.default.removeItem(at: output) }
        let protoc = Process()
        protoc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        protoc.currentDirectoryURL = protocolDirectory
        let protos = try FileManager.default.contentsOfDirectory(atPath: protocolDirectory.path + "/dealstore/v1")
            .filter { $0.hasSuffix(".proto") }.sorted().map { "dealstore/v1/" + $0 }
        protoc.arguments = ["protoc", "-I", ".", "--descriptor_set_out=\(output.path)"] + protos
        try protoc.run()
        protoc.waitUntilExit()
        try #require(protoc.terminationStatus == 0, "protoc is needed (bash .ci/run installs protobuf-compiler)")
        let expected = try Data(contentsOf: output).base64EncodedString()
        #expect(generated.contains("\"\(expected)\""), "the embedded descriptor set is stale: run Protocol/generate.sh")
    }

    static func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }
}
