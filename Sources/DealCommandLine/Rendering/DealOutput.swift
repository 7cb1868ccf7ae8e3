#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command writes: standard output, standard error, and whether each is a terminal.
///
/// Commands never print directly, so tests can capture output with ``DealOutput/capturing()``.
public struct DealOutput: Sendable {
    /// Writes text to the results stream (stdout).
    public var writeOut: @Sendable (String) -> Void
    /// Writes text to the diagnostics stream (stderr).
    public var writeError: @Sendable (String) -> Void
    /// True when stdout is a terminal.
    public var outputIsTerminal: Bool
    /// True when stderr is a terminal (progress bars are drawn only then).
    public var errorIsTerminal: Bool
    /// The width of the terminal stdout writes to, to fit tables; `nil` when stdout is not a terminal.
    public var terminalWidth: Int?

    /// Creates an output from writer functions.
    public init(
        outputIsTerminal: Bool = false,
        errorIsTerminal: Bool = false,
        terminalWidth: Int? = nil,
        writeOut: @escaping @Sendable (String) -> Void,
        writeError: @escaping @Sendable (String) -> Void
    ) {
        self.writeOut = writeOut
        self.writeError = writeError
        self.outputIsTerminal = outputIsTerminal
        self.errorIsTerminal = errorIsTerminal
        self.terminalWidth = terminalWidth
    }

    /// The process's stdout and stderr, unbuffered per call so output survives an interrupt.
    public static var standard: DealOutput {
        DealOutput(
            outputIsTerminal: isatty(STDOUT_FILENO) == 1,
            errorIsTerminal: isatty(STDERR_FILENO) == 1,
            terminalWidth: Self.terminalWidth(of: STDOUT_FILENO),
            writeOut: { text in Self.writeAll(text, to: STDOUT_FILENO) },
            writeError: { text in Self.writeAll(text, to: STDERR_FILENO) }
        )
    }

    /// The column count of the terminal on `descriptor`, or `nil` when it is not a terminal.
    private static func terminalWidth(of descriptor: Int32) -> Int? {
        guard isatty(descriptor) == 1 else { return nil }
        var size = winsize()
        // TIOCGWINSZ fails on some pseudo-terminals; COLUMNS is the conventional fallback.
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return getenv("COLUMNS").flatMap { Int(String(cString: $0)) }
    }

    private static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress, buffer.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Writes a line to stdout.
    public func line(_ text: String) {
        self.writeOut(text + "\n")
    }

    /// Writes a line to stderr.
    public func errorLine(_ text: String) {
        self.writeError(text + "\n")
    }
}
