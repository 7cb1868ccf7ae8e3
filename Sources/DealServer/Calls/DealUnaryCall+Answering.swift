import SwiftProtobuf

extension DealUnaryCall {
    /// A unary read: `body` runs on the event loop and its result or error is the answer.
    static func answering<Response: SwiftProtobuf.Message>(
        _ writer: DealServerCallWriter,
        _ body: @escaping (Request) throws -> Response
    ) -> DealUnaryCall<Request> {
        DealUnaryCall(writer: writer) { request in
            do {
                writer.respond(try body(request))
            } catch {
                writer.finish(error)
            }
        }
    }
}
