import NIOCore
import Synchronization

/// A live subscription to the change feed, made by ``DealClient/watch(fromRevision:includeOrganizations:options:)``:
/// established on the server before that call returns, so "watch, then write" never misses the write.
///
/// Iterate it for every change after ``startRevision``, in revision order, each with its revision. When the
/// connection drops or the server shuts down, the watch reconnects (with the client's backoff, for up to
/// ``DealClientConfiguration/waitForConnectionTimeout``) and resumes after ``lastRevision``, the last change it
/// yielded, so no change is missed or repeated; if it cannot, iteration throws UNAVAILABLE whose metadata
/// `resume-revision` says where to watch again from. A watch that fell behind the server's history throws
/// OUT_OF_RANGE (PROTOCOL.md, WatchDeals). Cancelling the iterating task, or leaving the loop, ends the watch
/// quietly: iteration returns `nil` and the server is told. Iterate a watch from one task at a time.
public final class DealWatch: AsyncSequence, Sendable {
    public typealias Element = DealChangeEvent

    /// The revision the subscription started after: every change with a greater revision is delivered. For a
    /// watch from revision 0 this is the store's revision when the subscription was established.
    public let startRevision: UInt64

    private let client: DealClient
    private let includeOrganizations: Bool
    private let options: DealCallOptions
    private let state: Mutex<State>

    private struct State {
        var stream: DealClientStream
        var lastRevision: UInt64
        /// A change that arrived as the first answer (from a server that sends no `created` answer).
        var pending: DealChangeEvent?
        /// Set by ``DealWatch/cancel()``: the watch neither yields nor resumes any more.
        var cancelled = false
    }

    /// How many times in a row the watch resumes without receiving a change before it gives up.
    private static let maximumResumesWithoutProgress = 3

    private init(client: DealClient, includeOrganizations: Bool, options: DealCallOptions, opened: Opened) {
        self.client = client
        self.includeOrganizations = includeOrganizations
        self.options = options
        self.startRevision = opened.startRevision
        self.state = Mutex(State(stream: opened.stream, lastRevision: opened.startRevision, pending: opened.pending))
    }

    deinit {
        self.cancel()
    }

    /// Ends the watch: the server is told, and iteration returns `nil`. Dropping the last reference to the watch
    /// does the same, so a watch a tool stops using never holds a stream open.
    public func cancel() {
        let stream = self.state.withLock { state in
            state.cancelled = true
            return state.stream
        }
        stream.cancel()
    }

    /// The revision of the last change yielded (``startRevision`` before the first): resuming from it continues
    /// without a gap.
    public var lastRevision: UInt64 {
        self.state.withLock { $0.lastRevision }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(watch: self)
    }

    /// Yields the watch's changes.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let watch: DealWatch

        public mutating func next() async throws(DealRPCError) -> DealChangeEvent? {
            try await self.watch.next()
        }
    }

    // MARK: Opening

    private struct Opened {
        var stream: DealClientStream
        var startRevision: UInt64
        var pending: DealChangeEvent?
    }

    static func open(
        client: DealClient,
        fromRevision: UInt64,
        includeOrganizations: Bool,
        options: DealCallOptions
    ) async throws(DealRPCError) -> DealWatch {
        let opened = try await Self.subscribe(
            client: client,
            fromRevision: fromRevision,
            includeOrganizations: includeOrganizations,
            options: options
        )
        return DealWatch(client: client, includeOrganizations: includeOrganizations, options: options, opened: opened)
    }

    /// Starts WatchDeals asking for the `created` answer and waits for it.
    private static func subscribe(
        client: DealClient,
        fromRevision: UInt64,
        includeOrganizations: Bool,
        options: DealCallOptions
    ) async throws(DealRPCError) -> Opened {
        var request = Dealstore_V1_WatchDealsRequest()
        request.fromRevision = fromRevision
        request.includeOrganizations = includeOrganizations
        request.sendCreated = true
        let stream = client.connectionManager.streamingCall(
            .watchDeals,
            payload: try DealFrame.encode(request),
            options: client.effective(options, streaming: true)
        )
        guard let first = try await stream.next() else {
            throw DealRPCError(code: .unavailable, message: "the server ended the watch before establishing it")
        }
        let event = try DealFrame.decode(DealChangeEvent.self, from: first, what: "response", errorCode: .internal)
        if event.created {
            return Opened(stream: stream, startRevision: event.revision, pending: nil)
        }
        // A server older than the `created` answer: its first answer is already a change.
        return Opened(stream: stream, startRevision: fromRevision, pending: event)
    }

    // MARK: Iterating

    func next() async throws(DealRPCError) -> DealChangeEvent? {
        var resumesWithoutProgress = 0
        while true {
            let (stream, pending, cancelled) = self.state.withLock { state in
                let pending = state.pending
                state.pending = nil
                if let pending { state.lastRevision = pending.revision }
                return (state.stream, pending, state.cancelled)
            }
            if cancelled {
                return nil
            }
            if let pending {
                return pending
            }
            let reason: DealRPCError
            do {
                if let buffer = try await stream.next() {
                    let event = try DealFrame.decode(
                        DealChangeEvent.self,
                        from: buffer,
                        what: "response",
                        errorCode: .internal
                    )
                    if event.created { continue }
                    self.state.withLock { $0.lastRevision = event.revision }
                    return event
                }
                if Task.isCancelled || self.state.withLock({ $0.cancelled }) { return nil }
                // A watch never ends on its own: the server ended it because it is shutting down.
                reason = DealRPCError(code: .unavailable, message: "the server ended the watch")
            } catch {
                if (Task.isCancelled || self.state.withLock({ $0.cancelled }))
                    && (error.code == .cancelled || error.code == .unavailable)
                {
                    return nil
                }
                guard error.code == .unavailable else { throw error }
                reason = error
            }
            resumesWithoutProgress += 1
            try await self.resume(after: reason, attempt: resumesWithoutProgress)
        }
    }

    /// Subscribes again after ``lastRevision`` on a (new) connection, or throws UNAVAILABLE saying where to resume.
    private func resume(after reason: DealRPCError, attempt: Int) async throws(DealRPCError) {
        let revision = self.lastRevision
        func failure(_ error: DealRPCError) -> DealRPCError {
            DealRPCError(
                code: error.code,
                message: "the watch was interrupted (\(reason.message)) and could not resume after revision "
                    + "\(revision): \(error.message); watch again from revision \(revision)",
                metadata: error.metadata + [
                    DealMetadataEntry(key: DealProtocolVersion.resumeRevisionMetadataKey, text: "\(revision)")
                ],
                cause: error.cause
            )
        }
        guard attempt <= Self.maximumResumesWithoutProgress else {
            throw failure(DealRPCError(code: .unavailable, message: "\(attempt - 1) attempts delivered no change"))
        }
        do {
            let opened = try await Self.subscribe(
                client: self.client,
                fromRevision: revision,
                includeOrganizations: self.includeOrganizations,
                options: self.options
            )
            let cancelled = self.state.withLock { state in
                state.stream = opened.stream
                state.pending = opened.pending
                return state.cancelled
            }
            if cancelled {
                opened.stream.cancel()
            }
        } catch {
            throw failure(error)
        }
    }
}
