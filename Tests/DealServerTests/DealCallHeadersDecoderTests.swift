import DealProtocol
import Foundation
import NIOCore
import Testing

@testable import DealServer

@Suite("the CallHeaders fast decoder")
struct DealCallHeadersDecoderTests {
    @Test("decodes what SwiftProtobuf encodes, to the same message")
    func roundTrip() throws {
        var headers = Dealstore_V1_CallHeaders()
        headers.method = "/dealstore.v1.Deals/GetDeal"
        headers.timeoutMicros = 5_000_000
        for (key, value) in [("authorization", "Bearer dst_0123456789abcdef"), ("request-id", "r-1"), ("empty", "")] {
            var entry = Dealstore_V1_MetadataEntry()
            entry.key = key
            entry.value = Data(value.utf8)
            headers.metadata.append(entry)
        }
        for message in [headers, Dealstore_V1_CallHeaders()] {
            let encoded = try DealFrame.encode(message)
            #expect(DealCallHeadersDecoder.decode(encoded) == message)
        }
    }

    @Test(
        "declines what it does not handle, so SwiftProtobuf decides",
        arguments: [
            [0x0A, 0x05, 0x61],  // truncated method
            [0x0A, 0x02, 0xC3, 0x28],  // invalid UTF-8
            [0x20, 0x01],  // unknown field 4
            [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // varint too long
            [0x1A, 0x02, 0x18, 0x01],  // unknown field inside an entry
        ] as [[UInt8]]
    )
    func declines(bytes: [UInt8]) {
        #expect(DealCallHeadersDecoder.decode(ByteBuffer(bytes: bytes)) == nil)
    }
}
