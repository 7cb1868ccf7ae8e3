#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory, for reading a snapshot in place.
///
/// Why not `read(2)` into an array: a snapshot of a million deals is ~400 MB; reading it meant zero-filling that
/// much fresh anonymous memory, faulting it in and copying the page cache into it (~0.3 s of a restart). A private
/// read-only mapping with `MAP_POPULATE` maps the page-cache pages themselves, and unmapping returns them at once,
/// so the file never counts against the daemon's memory after recovery.
///
/// Deliberately not `Sendable`, and a class so that the mapping has one owner whose `deinit` unmaps it: the
/// pointer is valid only inside ``withBytes(_:)``, which keeps the owner alive for the call.
final class DealMappedFile {
    private let base: UnsafeMutableRawPointer?
    private let count: Int
    /// The bytes when mapping was not possible (an empty file, or a file system without `mmap`).
    private let fallback: [UInt8]

    /// Maps `path`; falls back to reading it when `mmap` fails.
    init(path: String) throws(DealIOError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw DealIOError(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw DealIOError(operation: "fstat", path: path, errno: errno) }
        let size = Int(info.st_size)
        #if canImport(Glibc)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        if size > 0, let mapped = mmap(nil, size, PROT_READ, flags, fd, 0), mapped != MAP_FAILED {
            self.base = mapped
            self.count = size
            self.fallback = []
        } else {
            self.base = nil
            self.count = 0
            self.fallback = try DealFileIO.readFile(path)
        }
    }

    deinit {
        if let base = self.base { munmap(base, self.count) }
    }

    /// Calls `body` with the file's bytes; they must not escape it.
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if let base = self.base {
            return try withExtendedLifetime(self) {
                try body(UnsafeRawBufferPointer(start: base, count: self.count))
            }
        }
        return try self.fallback.withUnsafeBytes { try body($0) }
    }
}
