import Foundation

/// Waits for a condition with a deadline, failing with a message that says what did not happen: the one way tests
/// wait (never a fixed sleep in place of the condition).
public enum DealWait {
    /// A condition that did not become true by its deadline.
    public struct Timeout: Error, CustomStringConvertible {
        /// What the test waited for, and for how long.
        public var description: String
    }

    /// Polls `condition` every `interval` until it is true; throws ``Timeout`` naming `what` after `timeout`.
    public static func until(
        _ what: String,
        timeout: Duration = .seconds(30),
        interval: Duration = .milliseconds(20),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return }
            guard ContinuousClock.now < deadline else {
                throw Timeout(description: "\(what): not true within \(timeout)")
            }
            try await Task.sleep(for: interval)
        }
    }

    /// Whether `condition` became true within `timeout`, polled every `interval`: for `#expect(await ...)`, where
    /// the expectation's own message says what did not happen.
    public static func eventually(
        timeout: Duration = .seconds(30),
        interval: Duration = .milliseconds(20),
        _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: interval)
        }
        return try await condition()
    }

    /// ``until(_:timeout:interval:_:)`` for code that cannot await (process start-up): blocks the thread between
    /// polls.
    public static func blockingUntil(
        _ what: String,
        timeout: Duration = .seconds(30),
        interval: Duration = .milliseconds(20),
        _ condition: () throws -> Bool
    ) throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try condition() { return }
            guard ContinuousClock.now < deadline else {
                throw Timeout(description: "\(what): not true within \(timeout)")
            }
            Thread.sleep(
                forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            )
        }
    }

    /// Runs `body`, failing with ``Timeout`` when it has not finished within `limit`.
    public static func withDeadline<Result: Sendable>(
        _ limit: Duration,
        _ what: String,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            guard let first = try await group.next(), let result = first else {
                group.cancelAll()
                throw Timeout(description: "\(what) did not finish within \(limit)")
            }
            group.cancelAll()
            return result
        }
    }
}

/// ``DealWait/withDeadline(_:_:_:)``, under the name the client tests have always called.
public func withDeadline<Result: Sendable>(
    _ limit: Duration,
    _ what: String,
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await DealWait.withDeadline(limit, what, body)
}
