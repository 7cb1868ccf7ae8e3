import DealProtocol
import NIOCore
public import SwiftProtobuf

/// The responses of a server-streaming call, in order; the sequence throws `DealRPCError` if the call fails.
///
/// The call starts when iteration starts. Breaking out of the loop, or cancelling the iterating task, sends CANCEL
/// to the server.
public struct DealResponseStream<Response: SwiftProtobuf.Message>: AsyncSequence, Sendable {
    public typealias Element = Response

    let client: DealClient
    let method: DealMethod
    let request: any SwiftProtobuf.Message
    let options: DealCallOptions

    init(client: DealClient, method: DealMethod, request: any SwiftProtobuf.Message, options: DealCallOptions) {
        self.client = client
        self.method = method
        self.request = request
        self.options = options
    }

    public func makeAsyncIterator() -> AsyncIterator {
        let payload: Result<ByteBuffer, DealRPCError>
        do {
            payload = .success(try DealFrame.encode(self.request))
        } catch {
            payload = .failure(error)
        }
        let stream = payload.map { buffer in
            self.client.connectionManager.streamingCall(
                self.method,
                payload: buffer,
                options: self.client.effective(self.options, streaming: true)
            )
        }
        return AsyncIterator(stream: stream)
    }

    /// Yields the decoded responses of the call.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var stream: Result<DealClientStream, DealRPCError>

        public mutating func next() async throws(DealRPCError) -> Response? {
            let stream = try self.stream.get()
            guard let buffer = try await stream.next() else {
                return nil
            }
            return try DealFrame.decode(Response.self, from: buffer, what: "response", errorCode: .internal)
        }
    }
}
