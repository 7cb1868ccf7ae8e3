import Foundation
import Synchronization

/// Where ``DealLogHandler`` writes: a buffer written to a file descriptor every 50 ms by a thread of its own, and
/// at once for a line of level warning or above.
///
/// Why not `StreamLogHandler`: it formats the time with `localtime` and calls `fflush` for every line, so at one
/// info line per call the daemon made a `write(2)` system call per call, serialized by the stream lock. Here a
/// line costs an append under a lock held for a `memcpy`; the system call is amortized over many lines and made by
/// the flusher thread, not by the event loop that logged (a `write(2)` of 64 KiB under the lock on an event loop
/// held up the other loop's lines too: 3 % of the server's cycles at 100,000 calls per second). The flusher swaps
/// the filled buffer for an empty one under the lock and writes outside it, so an info line never waits for the
/// disk (a warning, written at once, may wait behind a write in progress).
/// The price is that up to 50 ms of info lines can be lost if the process is killed (warnings and errors are never
/// held). A writer that outruns the flusher past ``inlineWriteThreshold`` writes itself, so memory stays bounded.
public final class DealLogOutput: Sendable {
    private struct State {
        var buffer: [UInt8] = []
        var stampSecond = -1
        var stamp: [UInt8] = []
        var flusherStarted = false
    }

    /// The process's standard error.
    public static let standardError = DealLogOutput(fileDescriptor: 2)

    /// Buffered bytes past which the thread that logs writes the buffer itself rather than wait for the flusher.
    static let inlineWriteThreshold = 4 << 20
    private static let flushInterval = 0.05
    private let fileDescriptor: Int32
    private let state = Mutex(State())
    /// Serializes writes to the descriptor (so lines keep their order) and holds the buffer swapped out of `state`.
    private let writing = Mutex([UInt8]())

    /// Creates an output writing to `fileDescriptor` (not closed by the output).
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Appends one line (which ends in a newline) behind the current timestamp.
    func write(_ line: String, urgent: Bool) {
        let now = time(nil)
        let (writeNow, startFlusher) = self.state.withLock { state -> (Bool, Bool) in
            if Int(now) != state.stampSecond {
                state.stampSecond = Int(now)
                state.stamp = Self.formatTimestamp(now)
            }
            state.buffer.append(contentsOf: state.stamp)
            state.buffer.append(contentsOf: line.utf8)
            let writeNow = urgent || state.buffer.count >= Self.inlineWriteThreshold
            if state.flusherStarted { return (writeNow, false) }
            state.flusherStarted = true
            return (writeNow, true)
        }
        if writeNow {
            self.flush()
        }
        if startFlusher {
            let thread = Thread { [self] in
                while true {
                    Thread.sleep(forTimeInterval: Self.flushInterval)
                    self.flush()
                }
            }
            thread.name = "DealLogOutput.flush"
            thread.start()
        }
    }

    /// Writes every buffered line now; call before the process exits.
    public func flush() {
        self.writing.withLock { spare in
            // Lock order is always `writing` then `state`; `write(_:urgent:)` never holds `state` while flushing.
            self.state.withLock { state in
                swap(&state.buffer, &spare)
            }
            guard !spare.isEmpty else { return }
            self.writeAll(spare)
            spare.removeAll(keepingCapacity: true)
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
