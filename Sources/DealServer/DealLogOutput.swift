import Foundation
import Synchronization

/// Where ``DealLogHandler`` writes: a buffer flushed to a file descriptor every 50 ms by a thread of its own, at
/// once for a line of level warning or above, and when 64 KiB have accumulated.
///
/// Why not `StreamLogHandler`: it formats the time with `localtime` and calls `fflush` for every line, so at one
/// info line per call the daemon made a `write(2)` system call per call, serialized by the stream lock. Here a
/// line costs an append under a lock held for a `memcpy`; the system call is amortized over many lines. The price
/// is that up to 50 ms of info lines can be lost if the process is killed (warnings and errors are never held).
public final class DealLogOutput: Sendable {
    private struct State {
        var buffer: [UInt8] = []
        var stampSecond = -1
        var stamp: [UInt8] = []
        var flusherStarted = false
    }

    /// The process's standard error.
    public static let standardError = DealLogOutput(fileDescriptor: 2)

    private static let flushThreshold = 64 * 1024
    private let fileDescriptor: Int32
    private let state = Mutex(State())

    /// Creates an output writing to `fileDescriptor` (not closed by the output).
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Appends one line (which ends in a newline) behind the current timestamp.
    func write(_ line: String, urgent: Bool) {
        let now = time(nil)
        let startFlusher = self.state.withLock { state -> Bool in
            if Int(now) != state.stampSecond {
                state.stampSecond = Int(now)
                state.stamp = Self.formatTimestamp(now)
            }
            state.buffer.append(contentsOf: state.stamp)
            state.buffer.append(contentsOf: line.utf8)
            if urgent || state.buffer.count >= Self.flushThreshold {
                // Written under the lock so lines from different threads keep their order.
                self.writeAll(state.buffer)
                state.buffer.removeAll(keepingCapacity: true)
            }
            if state.flusherStarted { return false }
            state.flusherStarted = true
            return true
        }
        if startFlusher {
            let thread = Thread { [self] in
                while true {
                    Thread.sleep(forTimeInterval: 0.05)
                    self.flush()
                }
            }
            thread.name = "DealLogOutput.flush"
            thread.start()
        }
    }

    /// Writes every buffered line now; call before the process exits.
    public func flush() {
        self.state.withLock { state in
            guard !state.buffer.isEmpty else { return }
            self.writeAll(state.buffer)
            state.buffer.removeAll(keepingCapacity: true)
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(self.fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    // Nowhere to report a failing log stream: drop the rest rather than spin.
                    return
                }
                offset += written
            }
        }
    }

    /// `2026-11-21T23:50:04+0000`, as `StreamLogHandler` prints it; formatted once per second.
    private static func formatTimestamp(_ seconds: time_t) -> [UInt8] {
        var seconds = seconds
        var local = tm()
        var buffer = [Int8](repeating: 0, count: 64)
        guard localtime_r(&seconds, &local) != nil else { return Array("<unknown>".utf8) }
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return buffer.prefix(count).map { UInt8(bitPattern: $0) }
    }
}
