/// One direction of one stream's flow control (PROTOCOL.md section 8), shared by client and server so both sides
/// count the same way.
///
/// As a send window it is the credit the peer granted: ``take(_:)`` before each MESSAGE, ``grant(_:)`` for each
/// WINDOW_UPDATE received. As a receive window it is the credit this side granted: ``receive(_:)`` for each
/// MESSAGE received (false is an overrun), and ``consume(_:)`` once the application has taken the bytes, which answers the
/// WINDOW_UPDATE to send, if any. Credit comes back on consumption, never on receipt, so a receiver that holds
/// messages it has not processed stops the sender instead of buffering without bound.
public struct DealFlowWindow: Sendable, Hashable {
    /// The window the stream started with.
    public let initialSize: Int
    /// The largest message the sender may send (the receiver's announced `max_frame_size`).
    public let largestMessage: Int
    /// The bytes the sender may still send.
    public private(set) var available: Int
    /// Received bytes the application has not consumed yet.
    public private(set) var unconsumed = 0
    /// Consumed bytes not yet granted back to the sender.
    public private(set) var ungranted = 0

    /// The largest window the protocol allows (2³¹−1).
    public static let maximumSize = Int(Int32.max)

    /// A window of `initialSize` bytes for messages of at most `largestMessage` bytes.
    public init(initialSize: Int, largestMessage: Int = DealFrame.defaultMaximumPayloadSize) {
        self.initialSize = max(0, min(initialSize, Self.maximumSize))
        self.largestMessage = max(0, largestMessage)
        self.available = self.initialSize
    }

    /// Sends `size` bytes on a send window; false (and nothing changes) when the window does not hold them.
    public mutating func take(_ size: Int) -> Bool {
        guard size >= 0, size <= self.available else { return false }
        self.available -= size
        return true
    }

    /// Counts `size` received bytes on a receive window; false (and nothing changes) for an overrun.
    public mutating func receive(_ size: Int) -> Bool {
        guard self.take(size) else { return false }
        self.unconsumed += size
        return true
    }

    /// Whether a message of `size` bytes can ever be sent on this window: no larger than the receiver accepts.
    public func fits(_ size: Int) -> Bool {
        size <= self.largestMessage && size <= self.initialSize
    }

    /// Adds credit the peer granted with WINDOW_UPDATE; false for 0 or an increment past 2³¹−1 (a connection
    /// error).
    public mutating func grant(_ increment: UInt32) -> Bool {
        let increment = Int(increment)
        guard increment > 0, increment <= Self.maximumSize - self.available else { return false }
        self.available += increment
        return true
    }

    /// The application consumed `size` received bytes; returns the WINDOW_UPDATE increment to send now, if any.
    ///
    /// Credit is returned in batches, once half the window has been consumed and not yet granted, so small
    /// messages do not each cost a WINDOW_UPDATE (PROTOCOL.md section 8).
    public mutating func consume(_ size: Int) -> UInt32? {
        let size = max(0, min(size, self.unconsumed))
        self.unconsumed -= size
        self.ungranted += size
        guard self.ungranted > 0, self.ungranted >= self.initialSize / 2 else { return nil }
        let increment = min(self.ungranted, Self.maximumSize - self.available)
        guard increment > 0 else { return nil }
        self.available += increment
        self.ungranted -= increment
        return UInt32(increment)
    }
}
