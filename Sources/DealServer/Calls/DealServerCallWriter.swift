import DealProtocol
import NIOCore
import SwiftProtobuf

/// How a call answers: response messages, then exactly one status.
///
/// Safe to use from any thread: work done off the connection's event loop (a write waiting for fsync) hops back
/// to it. Output for a call that has ended (cancelled, expired, connection gone) is dropped.
struct DealServerCallWriter: Sendable {
    let eventLoop: any EventLoop
    let connection: NIOLoopBound<DealServerConnectionHandler>
    let streamID: UInt32

    /// Sends one response message.
    func send(_ message: some SwiftProtobuf.Message) {
        do {
            let buffer = try DealFrame.encode(message)
            self.onLoop { $0.send(buffer, streamID: self.streamID) }
        } catch {
            self.finish(error)
        }
    }

    // Every answer's TRAILERS carry `revision` (PROTOCOL.md "Consistency"): the OK answers below take the revision
    // they were served at; a status without one gets the store's published revision from the connection.

    /// Ends the call with OK, served at `revision` (a stream: the revision it was read at or reached).
    func finishOK(revision: UInt64) {
        self.finish(code: .ok, message: "", revision: revision)
    }

    /// Sends one response and ends the call with OK: a unary answer served at `revision`.
    func respond(_ message: some SwiftProtobuf.Message, revision: UInt64) {
        do {
            let buffer = try DealFrame.encode(message)
            self.onLoop { $0.respond(buffer, streamID: self.streamID, revision: revision) }
        } catch {
            self.finish(error)
        }
    }

    /// Sends an already serialized response and ends the call with OK: the store's bytes of a record.
    func respond(serialized bytes: [UInt8], revision: UInt64) {
        // A read answers on its loop: called directly, with no closure context allocated per call (GetDeal).
        if self.eventLoop.inEventLoop {
            self.connection.value.respond(bytes, streamID: self.streamID, revision: revision)
        } else {
            self.onLoop { $0.respond(bytes, streamID: self.streamID, revision: revision) }
        }
    }

    /// Sends an already serialized response and ends the call with OK: one assembled from stored records.
    func respond(serialized buffer: ByteBuffer, revision: UInt64) {
        self.onLoop { $0.respond(buffer, streamID: self.streamID, revision: revision) }
    }

    /// Ends the call with a status; `revision` (when known) is the one the status was decided at.
    func finish(code: DealStatusCode, message: String, revision: UInt64? = nil) {
        let metadata = revision.map { [DealServerConnectionHandler.revisionEntry($0)] } ?? []
        self.onLoop { $0.finish(streamID: self.streamID, code: code, message: message, metadata: metadata) }
    }

    /// Ends the call with the status an error maps to, and the error's metadata in the trailers.
    func finish(_ error: any Error) {
        let rpcError = DealServiceErrorMapping.rpcError(from: error)
        self.onLoop {
            $0.finish(
                streamID: self.streamID,
                code: rpcError.code,
                message: rpcError.message,
                metadata: rpcError.metadata
            )
        }
    }

    /// Whether a streaming call may produce another response without queueing. Only meaningful on the loop.
    var isWritable: Bool {
        self.eventLoop.inEventLoop && self.connection.value.isWritable(streamID: self.streamID)
    }

    private func onLoop(_ body: @escaping @Sendable (DealServerConnectionHandler) -> Void) {
        if self.eventLoop.inEventLoop {
            body(self.connection.value)
        } else {
            let connection = self.connection
            self.eventLoop.execute {
                body(connection.value)
            }
        }
    }
}
