#if canImport(Glibc)
import Glibc
#endif
import DealProtocol
import NIOCore

/// Decodes arbitrary bytes as frames, in arbitrary chunks, with a small limit, and checks the decoder's contract:
/// it throws ``DealFrameError`` or returns frames, never traps, and every frame it returns re-encodes to exactly
/// the bytes it was decoded from.
enum DealFrameFuzzer {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else {
            return
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
        if Array(reencoded.readableBytesView) != Array(input.prefix(reencoded.readableBytes)) {
            fatalError("re-encoded frames differ from the input they were decoded from")
        }
    }
}

#if DEALSTORE_FUZZING
/// libFuzzer's entry point; built only with `-DDEALSTORE_FUZZING -sanitize=fuzzer` (libFuzzer supplies `main`).
@_cdecl("LLVMFuzzerTestOneInput")
public func dealFrameFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    DealFrameFuzzer.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
#else
/// Without libFuzzer the same harness replays the files named on the command line (a corpus, or crash inputs).
@main
enum DealFrameFuzzerReplay {
    static func main() throws {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                print("cannot open \(path)")
                continue
            }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&buffer, 1, buffer.count, file)
                if n <= 0 { break }
                bytes.append(contentsOf: buffer[0..<n])
            }
            fclose(file)
            bytes.withUnsafeBufferPointer { DealFrameFuzzer.run($0) }
            count += 1
        }
        print("replayed \(count) inputs without a failure")
    }
}
#endif
