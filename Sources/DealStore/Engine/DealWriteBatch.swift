import DealModel
import Dispatch
import Foundation
import SwiftProtobuf
import Synchronization

/// The log records one write produces, built under the state lock: each change gets the next revision, is
/// applied to the in-memory state, and is framed for the log.
struct DealWriteBatch {
    var frames: [UInt8] = []
    var count = 0
    var lastRevision: UInt64 = 0
    let timeMicros: Int64
    /// Set for a replica store (see ``DealReplica``): the change events are kept as messages, for the system of
    /// record, besides being applied to the (scratch) state.
    let collectsEvents: Bool
    /// The change events emitted, when ``collectsEvents`` is set.
    var events: [Dealstore_V1_ChangeEvent] = []

    init(timeMicros: Int64, collectsEvents: Bool = false) {
        self.timeMicros = timeMicros
        self.collectsEvents = collectsEvents
    }

    /// Records one change at revision `state.revision + 1` (which the caller already wrote into the record's meta).
    mutating func emit(
        _ kind: Dealstore_V1_ChangeKind,
        _ record: Dealstore_V1_DealRecord,
        state: inout DealStoreState
    ) throws(DealStoreError) {
        var event = Dealstore_V1_ChangeEvent()
        event.revision = state.revision + 1
        event.kind = kind
        event.record = record
        event.timeMicros = self.timeMicros
        do {
            let payload: [UInt8] = try event.serializedBytes()
            // Checked before anything is applied: recovery would refuse a bigger record.
            if payload.count > DealRecordLimit.maximumRecordSize {
                throw DealRecordLimit.tooLarge(payload.count, what: "change \(event.revision)")
            }
            try state.apply(event)
            DealLogFrame.append(payload, to: &self.frames)
            if self.collectsEvents { self.events.append(event) }
        } catch let error as DealStoreError {
            throw error
        } catch {
            throw DealStoreError(code: .internal, message: "cannot encode change \(event.revision)", cause: error)
        }
        self.count += 1
        self.lastRevision = event.revision
    }

    /// Records a created or updated deal at revision `state.revision + 1` (`deal` already carries that meta) and
    /// returns its serialized bytes.
    ///
    /// The deal is serialized once: the same bytes are the store's record, the log record's payload (the change
    /// event is framed around them) and a server's response.
    mutating func emitDeal(
        _ kind: Dealstore_V1_ChangeKind,
        _ deal: Dealstore_V1_Deal,
        state: inout DealStoreState
    ) throws(DealStoreError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try deal.serializedBytes()
        } catch {
            throw DealStoreError(code: .internal, message: "cannot encode change \(state.revision + 1)", cause: error)
        }
        try self.emitDeal(kind, deal, bytes: bytes, state: &state)
        return bytes
    }

    /// ``emitDeal(_:_:state:)`` for a deal already serialized (meta included) as `bytes`.
    mutating func emitDeal(
        _ kind: Dealstore_V1_ChangeKind,
        _ deal: Dealstore_V1_Deal,
        bytes: [UInt8],
        state: inout DealStoreState
    ) throws(DealStoreError) {
        let revision = state.revision + 1
        let start = self.frames.count
        DealLogFrame.appendDealEvent(
            revision: revision,
            kind: kind,
            dealBytes: bytes,
            timeMicros: self.timeMicros,
            to: &self.frames
        )
        // Checked before the state changes: recovery would refuse a bigger record.
        let recordSize = self.frames.count - start - DealLogFrame.headerSize
        if recordSize > DealRecordLimit.maximumRecordSize {
            self.frames.removeSubrange(start...)
            throw DealRecordLimit.tooLarge(recordSize, what: "deal '\(deal.id)'")
        }
        // The history keeps the event as a message for the change feed: building it shares the deal's storage.
        var event = Dealstore_V1_ChangeEvent()
        event.revision = revision
        event.kind = kind
        event.record.deal = deal
        event.timeMicros = self.timeMicros
        state.applyDeal(DealIndexEntry(deal: deal, bytes: bytes), event: event)
        if self.collectsEvents { self.events.append(event) }
        self.count += 1
        self.lastRevision = revision
    }
}

extension DealStore {
    static func nowMicros() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1_000_000)
    }

    /// Runs `body` under the state lock, then completes once its log records are durable and the version holding
    /// them is published to readers.
    ///
    /// `body` validates and emits changes into the batch. The completion runs on the caller's thread when nothing
    /// was logged (validation errors, validate-only, no-ops); otherwise through `executor` when given (with the
    /// rest of its commit batch) and on the committer thread when not.
    func submit<T: Sendable>(
        executor: (any DealCompletionExecutor)? = nil,
        _ body: @escaping @Sendable (inout DealStoreState, inout DealWriteBatch) throws(DealStoreError) -> T,
        completion: @escaping @Sendable (Result<T, DealStoreError>) -> Void
    ) {
        if let replica = self.replica {
            // A replica's writes go to the system of record first (see DealStore+Replica.swift).
            self.submitReplicated(replica, executor: executor, body, completion: completion)
            return
        }
        let time = Self.nowMicros()
        var retired: [Dealstore_V1_ChangeEvent] = []
        let outcome: Result<T, DealStoreError>? = self.state.withLock { state -> Result<T, DealStoreError>? in
            if let refusal = state.writeRefusal { return .failure(refusal) }
            var batch = DealWriteBatch(timeMicros: time)
            let value: T
            do throws(DealStoreError) {
                value = try body(&state, &batch)
            } catch {
                return .failure(error)
            }
            retired = state.takeRetiredHistory()
            if batch.count > 0 {
                // A write of several changes (a merge, an import batch) is replayed whole or not at all.
                batch.markAtomic(state: &state)
                // The committer takes the version this write leads to when it takes the write from the queue
                // (see `takeQueuedWork`), publishes it once the records are durable, and only then completes it.
                self.committer.enqueue(
                    .write(
                        bytes: batch.frames,
                        records: batch.count,
                        lastRevision: batch.lastRevision,
                        executor: executor
                    ) { error in
                        if let error {
                            completion(.failure(error))
                        } else {
                            completion(.success(value))
                        }
                    }
                )
                return nil
            }
            return .success(value)
        }
        if !retired.isEmpty { Self.release(retired) }
        if let outcome { completion(outcome) }
    }

    /// Releases the change events a history trim dropped (see ``DealStoreState/retiredHistory``) on a background
    /// thread: freeing ten thousand decoded deals takes milliseconds, which neither the writer that happened to
    /// trim nor an event loop should wait for.
    static func release(_ retired: [Dealstore_V1_ChangeEvent]) {
        DispatchQueue.global(qos: .background).async { withExtendedLifetime(retired) {} }
    }

    /// The `async` form of ``submit(_:completion:)``.
    func submit<T: Sendable>(
        _ body: @escaping @Sendable (inout DealStoreState, inout DealWriteBatch) throws(DealStoreError) -> T
    ) async throws(DealStoreError) -> T {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, DealStoreError>, Never>) in
            self.submit(body) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }
}
