#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX calls the log and snapshots need, throwing ``DealIOError``.
///
/// Plain `open`/`write`/`fdatasync` rather than FileHandle: the store must know that each byte reached the disk,
/// and FileHandle neither reports short writes nor offers `fdatasync`.
enum DealFileIO {
    static func openForAppend(_ path: String) throws(DealIOError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw DealIOError(operation: "open", path: path, errno: errno) }
        return fd
    }

    static func createTruncating(_ path: String) throws(DealIOError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw DealIOError(operation: "open", path: path, errno: errno) }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(DealIOError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw DealIOError(operation: "write", path: path, errno: errno)
            }
            offset += written
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(DealIOError) {
        let result: Result<Void, DealIOError> = bytes.withUnsafeBytes { buffer in
            do throws(DealIOError) {
                try Self.writeAll(fd, buffer, path: path)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    static func dataSync(_ fd: Int32, path: String) throws(DealIOError) {
        #if canImport(Glibc)
        let result = fdatasync(fd)
        #else
        let result = fsync(fd)
        #endif
        if result != 0 { throw DealIOError(operation: "fdatasync", path: path, errno: errno) }
    }

    static func fullSync(_ fd: Int32, path: String) throws(DealIOError) {
        if fsync(fd) != 0 { throw DealIOError(operation: "fsync", path: path, errno: errno) }
    }

    /// Syncs a directory so that a rename or a new file in it survives a crash.
    static func syncDirectory(_ path: String) throws(DealIOError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw DealIOError(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw DealIOError(operation: "fsync", path: path, errno: errno) }
    }

    /// Lowers the calling thread's scheduling priority (nice 10) for background work such as writing a snapshot.
    ///
    /// On Linux the nice value is per thread (`setpriority` with who 0 is the calling thread), so only this thread
    /// yields: on a machine with more runnable threads than cores, the event loops and the committer then run
    /// first and the snapshot takes the time they leave. Best effort: a failure changes nothing.
    static func lowerThreadPriority() {
        #if canImport(Glibc)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    static func closeFile(_ fd: Int32) {
        close(fd)
    }

    static func readFile(_ path: String) throws(DealIOError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw DealIOError(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw DealIOError(operation: "fstat", path: path, errno: errno) }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while offset < size {
                let count = read(fd, buffer.baseAddress! + offset, size - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if count == 0 { break }
                offset += count
            }
        }
        if failure != 0 { throw DealIOError(operation: "read", path: path, errno: failure) }
        if offset < size { bytes.removeLast(size - offset) }
        return bytes
    }

    static func truncateFile(_ path: String, to length: Int) throws(DealIOError) {
        if truncate(path, off_t(length)) != 0 { throw DealIOError(operation: "truncate", path: path, errno: errno) }
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    /// Cuts an open file back to `length` bytes (the start of a failed batch) and syncs the cut, so the bytes
    /// beyond it cannot come back after a crash.
    static func truncateDescriptor(
        _ fd: Int32,
        to length: Int,
        path: String,
        sync: (Int32, String) throws(DealIOError) -> Void
    ) throws(DealIOError) {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno == EINTR { continue }
            throw DealIOError(operation: "ftruncate", path: path, errno: errno)
        }
        try sync(fd, path)
    }

    static func rename(_ from: String, _ to: String) throws(DealIOError) {
        #if canImport(Glibc)
        let result = Glibc.rename(from, to)
        #else
        let result = Darwin.rename(from, to)
        #endif
        if result != 0 { throw DealIOError(operation: "rename", path: from, errno: errno) }
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    static func makeDirectory(_ path: String) throws(DealIOError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw DealIOError(operation: "mkdir", path: path, errno: errno)
        }
    }

    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    static func listDirectory(_ path: String) throws(DealIOError) -> [String] {
        guard let dir = opendir(path) else { throw DealIOError(operation: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
