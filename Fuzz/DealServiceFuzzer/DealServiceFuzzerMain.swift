import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The harness, set once before the first input (the libFuzzer callback is a C function and captures nothing).
let dealServiceFuzzer = Mutex<DealServiceFuzzer?>(nil)

#if DEALSTORE_FUZZING
/// libFuzzer's driver, from the runtime `-sanitize=fuzzer` links.
@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Built with `-DDEALSTORE_FUZZING -sanitize=fuzzer`: starts the store and server, then hands control to
/// libFuzzer with one call per input. (SwiftPM renames an executable's `main`, so libFuzzer's own `main` cannot
/// be used; its driver entry can.)
@main
enum DealServiceFuzzerMain {
    static func main() throws {
        if CommandLine.arguments.count == 3 && CommandLine.arguments[1] == "--write-seeds" {
            try DealServiceFuzzSeeds.write(to: CommandLine.arguments[2])
            exit(0)
        }
        let harness = try DealServiceFuzzer.startAndWait()
        dealServiceFuzzer.withLock { $0 = harness }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = llvmFuzzerRunDriver(&argc, &argv) { data, size in
            guard let data, let harness = dealServiceFuzzer.withLock({ $0 }) else { return 0 }
            harness.run(UnsafeBufferPointer(start: data, count: size))
            return 0
        }
        exit(status)
    }
}
#else
/// Without libFuzzer the same harness replays the files named on the command line (a corpus, or crash inputs).
@main
enum DealServiceFuzzerReplay {
    static func main() throws {
        if CommandLine.arguments.count == 3 && CommandLine.arguments[1] == "--write-seeds" {
            try DealServiceFuzzSeeds.write(to: CommandLine.arguments[2])
            exit(0)
        }
        let harness = try DealServiceFuzzer.startAndWait()
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
            bytes.withUnsafeBufferPointer { harness.run($0) }
            count += 1
        }
        print("replayed \(count) inputs without a failure")
        exit(0)
    }
}
#endif

extension DealServiceFuzzer {
    /// ``start()`` from synchronous code: `main` must not be async, since an async `main` is not renamed by
    /// SwiftPM and collides with libFuzzer's at link time.
    static func startAndWait() throws -> DealServiceFuzzer {
        let result = Mutex<Result<DealServiceFuzzer, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let harness = try await Self.start()
                result.withLock { $0 = .success(harness) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
