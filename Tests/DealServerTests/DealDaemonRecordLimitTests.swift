import DealStore
import DealTestSupport
import Foundation
import Testing

/// dealsd's frame size is bounded by the store's record limit (``DealRecordLimit``), so that every record a
/// request can carry is stored and read back at the next start.
@Suite("dealsd's maximum frame size and the store's record limit")
struct DealDaemonRecordLimitTests {
    static func serve(maxFrameSize: Int) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealsd-frame-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configuration = directory + "/dealsd.yaml"
        try """
        limits:
          max_frame_size: \(maxFrameSize)
          initial_window_size: \(maxFrameSize)
        store:
          seed_if_empty: false
        """.write(toFile: configuration, atomically: true, encoding: .utf8)
        // The limits are checked when serving starts: serve, and stop as soon as it announces its port.
        do {
            let daemon = try DealDaemonProcess.start(
                dataDirectory: directory + "/data",
                extraArguments: ["--config", configuration],
                logLevel: "notice"
            )
            let output = daemon.output + daemon.errorOutput
            daemon.stop()
            return (daemon.process.terminationStatus, output)
        } catch let error as DealDaemonProcess.StartError {
            guard let status = error.status else { throw error }
            return (status, error.output)
        }
    }

    @Test("a max_frame_size above the store's record limit is refused at start, naming the setting and the limit")
    func tooLargeFrameRefused() throws {
        let largest = DealRecordLimit.maximumMessageSize
        let refused = try Self.serve(maxFrameSize: largest + 1)
        #expect(refused.status == 78, "\(refused.output)")
        #expect(refused.output.contains("limits.max_frame_size is \(largest + 1)"), "\(refused.output)")
        #expect(refused.output.contains("\(largest)"), "\(refused.output)")
        #expect(refused.output.contains("maximum record size"), "\(refused.output)")
    }

    @Test("a max_frame_size equal to the store's largest message is accepted")
    func largestFrameAccepted() throws {
        let accepted = try Self.serve(maxFrameSize: DealRecordLimit.maximumMessageSize)
        #expect(accepted.output.contains("serving on"), "\(accepted.output)")
    }
}
