public import ArgumentParser
import DealServer

extension DealsdCommand {
    /// The status of a daemon that could not start because of its configuration, data directory or certificates:
    /// 78, `EX_CONFIG` of sysexits.h. Deploy/dealsd.service does not restart on it (`RestartPreventExitStatus=78`):
    /// starting again cannot help until someone changes the setting the message names.
    public static let startFailureExitCode = ExitCode(78)

    /// The status of `dealsd check` when it found problems in the snapshot or the log (0 when healthy).
    public static let unhealthyStoreExitCode = ExitCode(1)

    /// Runs `body` (the daemon), turning a `DealServerError` it throws into one line `dealsd: <message>` passed to
    /// `report` and ``startFailureExitCode``; every other error passes through to ArgumentParser (a
    /// `ValidationError` exits 64 with the usage, an `ExitCode` as itself).
    public static func exitingOnStartFailure(
        _ body: () async throws -> Void,
        report: (String) -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as DealServerError {
            report("dealsd: \(error.message)")
            throw Self.startFailureExitCode
        }
    }
}
