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

    /// Answers a unary write from a store callback with the stored record's bytes, or the status its error maps
    /// to.
    func complete(
        serialized result: Result<[UInt8], DealStoreError>,
        batchedBy completions: DealServerLoopCompletions?
    ) {
        self.holdFlushes(batchedBy: completions)
        switch result {
        case .success(let bytes): self.respond(serialized: bytes)
        case .failure(let error): self.finish(error)
        }
    }

    /// Answers a unary call from a store callback: the value, or the status its error maps to.
    func complete<Response: SwiftProtobuf.Message>(_ result: Result<Response, DealStoreError>) {
        switch result {
        case .success(let response): self.respond(response)
        case .failure(let error): self.finish(error)
        }
    }
}
