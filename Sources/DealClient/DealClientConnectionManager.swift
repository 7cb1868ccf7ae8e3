import DealProtocol
import Logging
import NIOCore
import SwiftProtobuf

// TEMPORARY: transport not yet implemented; the lead replaces this file.
final class DealClientConnectionManager: Sendable {
    init(
        configuration: DealClientConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) throws(DealRPCError) {}

    func run() async {}

    func close() {}

    func bufferedCall(
        _ method: DealMethod,
        payloads: [ByteBuffer],
        options: DealCallOptions
    ) async throws(DealRPCError) -> [ByteBuffer] {
        throw DealRPCError(code: .unimplemented, message: "transport not implemented yet")
    }

    func clientStreamingCall<Requests: AsyncSequence & Sendable>(
        _ method: DealMethod,
        requests: Requests,
        options: DealCallOptions
    ) async throws(DealRPCError) -> [ByteBuffer] where Requests.Element: SwiftProtobuf.Message {
        throw DealRPCError(code: .unimplemented, message: "transport not implemented yet")
    }

    func streamingCall(_ method: DealMethod, payload: ByteBuffer, options: DealCallOptions) -> DealClientStream {
        DealClientStream()
    }
}

final class DealClientStream: Sendable {
    func next() async throws(DealRPCError) -> ByteBuffer? {
        throw DealRPCError(code: .unimplemented, message: "transport not implemented yet")
    }
}
