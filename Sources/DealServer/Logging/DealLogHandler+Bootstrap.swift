import Logging

extension DealLogHandler {
    /// The level names `bootstrap(levelName:)` accepts, for error messages.
    public static let levelNames = "trace, debug, info, notice, warning, error, critical"

    /// Makes every logger of the process write through a ``DealLogHandler`` at the level named `levelName`
    /// (buffered: the server logs one info line per call, see ``DealLogOutput`` for why not StreamLogHandler).
    /// Returns false, changing nothing, when `levelName` names no level.
    public static func bootstrap(levelName: String) -> Bool {
        guard let level = Logger.Level(rawValue: levelName) else { return false }
        LoggingSystem.bootstrap { label in
            var handler = DealLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        return true
    }
}
