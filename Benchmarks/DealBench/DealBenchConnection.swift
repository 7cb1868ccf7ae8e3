import DealTLS
import NIOCore
import NIOPosix

/// One established benchmark connection: TLS done, HELLOs exchanged, its load loop ready to start.
struct DealBenchConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<DealBenchConnectionHandler>

    /// Connects, runs the TLS handshake and the HELLO exchange.
    static func connect(
        host: String,
        port: Int,
        tls: DealTLSContext,
        group: any EventLoopGroup,
        workload: DealBenchWorkload,
        seed: UInt64
    ) async throws -> DealBenchConnection {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port)
            .get()
        let ready = channel.eventLoop.makePromise(of: Void.self)
        let handler = try await channel.eventLoop.submit {
            let tlsHandler = try tls.makeHandler(serverHostname: host)
            let handler = DealBenchConnectionHandler(workload: workload.privateCopy(), seed: seed, readyPromise: ready)
            try channel.pipeline.syncOperations.addHandler(tlsHandler)
            try channel.pipeline.syncOperations.addHandler(handler)
            return NIOLoopBound(handler, eventLoop: channel.eventLoop)
        }.get()
        do {
            try await ready.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return DealBenchConnection(channel: channel, handler: handler)
    }

    /// Runs the plan on the connection's event loop.
    func run(_ plan: DealBenchPlan) -> EventLoopFuture<DealBenchConnectionResult> {
        let handler = self.handler
        let eventLoop = self.channel.eventLoop
        return eventLoop.flatSubmit {
            handler.value.start(plan, eventLoop: eventLoop)
        }
    }

    func close() async {
        try? await self.channel.close()
    }
}
