import DealProtocol
import NIOCore

/// libFuzzer entry point: decode arbitrary bytes as frames, in arbitrary chunks, with a small limit.
///
/// The harness asserts the decoder's contract: it throws ``DealFrameError`` or returns frames, never traps, and
/// every frame it returns re-encodes to exactly the bytes it was decoded from.
@_cdecl("LLVMFuzzerTestOneInput")
public func dealFrameFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let first = bytes.first else {
        return 0
    }
    // The first byte picks the chunk size, so splits inside headers and payloads are explored too.
    let chunk = Int(first % 32) + 1
    let input = bytes.dropFirst()
    let processor = NIOSingleStepByteToMessageProcessor(DealFrameDecoder(maximumPayloadSize: 4096))
    var decoded: [DealFrame] = []
    do {
        var start = input.startIndex
        while start < input.endIndex {
            let end = min(start + chunk, input.endIndex)
            try processor.process(buffer: ByteBuffer(bytes: input[start..<end])) { decoded.append($0) }
            start = end
        }
        try processor.finishProcessing(seenEOF: true) { decoded.append($0) }
    } catch is DealFrameError {
        // A documented rejection.
    } catch {
        fatalError("decoder threw an undocumented error: \(error)")
    }
    var reencoded = ByteBuffer()
    for frame in decoded {
        frame.write(to: &reencoded)
        _ = try? frame.decodePayload(as: Dealstore_V1_CallHeaders.self)
    }
    let prefix = Array(input.prefix(reencoded.readableBytes))
    if Array(reencoded.readableBytesView) != prefix {
        fatalError("re-encoded frames differ from the input they were decoded from")
    }
    return 0
}
