import DealProtocol
import NIOCore
import SwiftProtobuf

extension DealServerCallWriter {
    /// Sends a batch of responses on a streaming call, then waits until the stream may take more: returns `true`
    /// when it may, `false` when the call has ended (then the producer stops).
    ///
    /// The messages are encoded on the caller's thread and written in one hop to the loop; only the batch can be
    /// queued behind a closed window, never more (see ``DealServerStreamPacer``).
    func send(_ messages: [some SwiftProtobuf.Message], pacedBy pacer: DealServerStreamPacer) async -> Bool {
        var buffers: [ByteBuffer] = []
        buffers.reserveCapacity(messages.count)
        do {
            for message in messages { buffers.append(try DealFrame.encode(message)) }
        } catch {
            self.finish(error)
            return false
        }
        let encoded = buffers
        let connection = self.connection
        let streamID = self.streamID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                guard let ticket = pacer.wait(continuation) else { return }
                self.eventLoop.execute {
                    let handler = connection.value
                    // One flush for the batch rather than one per event.
                    let held = handler.holdFlushes()
                    for buffer in encoded { handler.send(buffer, streamID: streamID) }
                    if held { handler.releaseFlushes() }
                    // When not writable the connection remembers the pause and calls the call's writable() as
                    // the window or the channel opens; the pacer answers the ticket then.
                    if handler.isWritable(streamID: streamID) { pacer.proceed(ticket: ticket) }
                }
            }
        } onCancel: {
            pacer.end()
        }
    }
}
