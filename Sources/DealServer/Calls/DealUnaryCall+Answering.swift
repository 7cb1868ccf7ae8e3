import SwiftProtobuf

extension DealUnaryCall {
    /// A unary read: `body` runs on the event loop and its result (with the revision it was read at, the
    /// answer's `revision` trailer) or error is the answer.
    static func answering<Response: SwiftProtobuf.Message>(
        _ writer: DealServerCallWriter,
        _ body: @escaping (Request) throws -> (Response, UInt64)
    ) -> DealUnaryCall<Request> {
        DealUnaryCall(writer: writer) { request in
            do {
                let (response, revision) = try body(request)
                writer.respond(response, revision: revision)
            } catch {
                writer.finish(error)
            }
        }
    }
}
