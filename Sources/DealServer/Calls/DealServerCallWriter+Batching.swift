import DealStore
import NIOCore
import SwiftProtobuf

extension DealServerCallWriter {
    /// Inside a commit batch run by `completions` (on this call's loop), holds this connection's flushes until
    /// the batch is done, so the batch's answers on it leave in one flush.
    func holdFlushes(batchedBy completions: DealServerLoopCompletions?) {
        if let completions, self.eventLoop.inEventLoop {
            completions.holdFlushes(of: self.connection.value)
        }
    }

    /// Answers a unary write of a deal from a store callback with the stored deal's bytes at the write's
    /// revision (its `meta.update_revision`), or the status its error maps to.
    ///
    /// A validate-only call stores nothing, so its deal has no revision: it answers at the store's published one.
    func complete(
        serialized result: Result<[UInt8], DealStoreError>,
        batchedBy completions: DealServerLoopCompletions?,
        store: DealStore
    ) {
        self.holdFlushes(batchedBy: completions)
        switch result {
        case .success(let bytes):
            let revision = DealResponseEncoding.updateRevision(ofDeal: bytes) ?? 0
            self.respond(serialized: bytes, revision: revision > 0 ? revision : store.revision)
        case .failure(let error): self.finish(error)
        }
    }

    /// Answers a unary call from a store callback: the value at `revision(value)`, or the status its error maps
    /// to.
    func complete<Response: SwiftProtobuf.Message>(
        _ result: Result<Response, DealStoreError>,
        revision: (Response) -> UInt64
    ) {
        switch result {
        case .success(let response): self.respond(response, revision: revision(response))
        case .failure(let error): self.finish(error)
        }
    }
}
