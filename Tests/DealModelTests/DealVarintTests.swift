import DealModel
import DealTestSupport
import SwiftProtobuf
import Testing

@Suite("DealVarint: the one varint writer and reader")
struct DealVarintTests {
    /// Protobuf's own encoding of `value` as a varint: a `UInt64Value` is the key byte 0x08 then the varint.
    static func protobufVarint(_ value: UInt64) throws -> [UInt8] {
        let bytes: [UInt8] = try Google_Protobuf_UInt64Value(value).serializedBytes()
        return value == 0 ? [0] : Array(bytes.dropFirst())
    }

    static func read(_ bytes: [UInt8]) -> (value: UInt64?, index: Int) {
        var index = 0
        let value = DealVarint.read(from: bytes, at: &index)
        return (value, index)
    }

    @Test(
        "the writer matches SwiftProtobuf and the reader reads it back, at every length up to the 10-byte maximum",
        arguments: [0, 1, 127, 128, 300, 16_383, 16_384, UInt64(UInt32.max), 1 << 56, UInt64(Int64.max), .max]
    )
    func edges(value: UInt64) throws {
        var bytes: [UInt8] = []
        DealVarint.append(value, to: &bytes)
        #expect(bytes == (try Self.protobufVarint(value)))
        #expect(bytes.count == DealVarint.size(of: value))
        let (read, index) = Self.read(bytes)
        #expect(read == value)
        #expect(index == bytes.count)
    }

    @Test("UInt64.max takes the maximum of 10 bytes, and sizes grow by one every 7 bits")
    func sizes() {
        #expect(DealVarint.size(of: .max) == DealVarint.maxSize)
        #expect(DealVarint.maxSize == 10)
        for bits in 1...64 {
            let value = UInt64.max >> (64 - bits)
            #expect(DealVarint.size(of: value) == (bits + 6) / 7, "a value of \(bits) bits")
        }
    }

    @Test("random values round-trip through append and read, one after another in one buffer")
    func randomRoundTrip() {
        var random = DealSeededRandom.logged("DealVarintTests.randomRoundTrip")
        var values: [UInt64] = []
        var bytes: [UInt8] = []
        for _ in 0..<1_000 {
            // Every length equally likely: shift a random value down by 0 to 63 bits.
            let value = random.next() >> (random.next() % 64)
            values.append(value)
            DealVarint.append(value, to: &bytes)
        }
        var index = 0
        var read: [UInt64] = []
        while index < bytes.count, let value = DealVarint.read(from: bytes, at: &index) { read.append(value) }
        #expect(read == values)
        #expect(index == bytes.count)
    }

    @Test("input that ends inside a varint is refused", arguments: [[], [0x80], [0xFF, 0xFF], [0x80, 0x80, 0x80]])
    func truncated(bytes: [UInt8]) {
        #expect(Self.read(bytes).value == nil)
    }

    @Test("a varint of more than 10 bytes (overlong) is refused, even if it ends")
    func overlong() {
        let eleven: [UInt8] = Array(repeating: 0x80, count: 10) + [0x00]
        #expect(Self.read(eleven).value == nil)
        // Zero padded to the 10-byte maximum is still a varint protobuf accepts.
        let ten: [UInt8] = Array(repeating: 0x80, count: 9) + [0x00]
        #expect(Self.read(ten).value == 0)
        #expect(Self.read(ten).index == 10)
    }

    @Test("DealWireReader reads varints with the same reader")
    func wireReader() {
        var bytes: [UInt8] = []
        DealVarint.append(.max, to: &bytes)
        bytes += [0x80]
        bytes.withUnsafeBytes { raw in
            var reader = DealWireReader(bytes: raw)
            #expect(reader.varint() == .max)
            #expect(reader.varint() == nil, "the trailing byte is a truncated varint")
        }
    }
}
