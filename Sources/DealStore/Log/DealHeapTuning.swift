#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc tuned while recovery builds the store: the heap grows in large steps.
///
/// Why: loading a million deals allocates a few million small blocks in a few seconds; with glibc's default top
/// pad (128 KB) the heap grows by a `brk`/`mprotect` plus fresh page faults every 128 KB, which the profile of a
/// restart showed at about a tenth of its cycles. `MALLOC_TOP_PAD_=67108864` in the environment made a restart
/// about 0.85 of its CPU time (Benchmarks/README.md). Swift's Glibc module does not export `mallopt`, so it is
/// looked up at run time; where it is missing (another C library) nothing changes.
enum DealHeapTuning {
    /// glibc's `M_TOP_PAD` parameter number (malloc.h).
    private static let topPadParameter: Int32 = -2
    /// glibc's default top pad (`DEFAULT_TOP_PAD`, 128 KB), restored after recovery.
    private static let defaultTopPad: Int32 = 128 << 10
    /// The top pad while recovering: the heap grows in 64 MB steps.
    private static let recoveryTopPad: Int32 = 64 << 20

    #if canImport(Glibc)
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32

    /// `mallopt` from the process's C library, when it has one (`RTLD_DEFAULT` is the null handle in glibc).
    private static let mallopt: Mallopt? = {
        guard let symbol = dlsym(nil, "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: Mallopt.self)
    }()
    #endif

    /// Runs `body` (recovery) with the larger top pad, then restores glibc's default.
    ///
    /// The setting is process-wide while it lasts: other threads' allocations also take the larger steps, which
    /// costs address space, not memory (untouched pages are never faulted in), and glibc trims what is left at the
    /// top of the heap once the default is back.
    static func whileRecovering<T>(_ body: () throws -> T) rethrows -> T {
        Self.setTopPad(Self.recoveryTopPad)
        defer { Self.setTopPad(Self.defaultTopPad) }
        return try body()
    }

    private static func setTopPad(_ bytes: Int32) {
        #if canImport(Glibc)
        _ = Self.mallopt?(Self.topPadParameter, bytes)
        #endif
    }
}
