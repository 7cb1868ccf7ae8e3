import DealTLS
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Throughput and round trips through DealTLSHandler (or plain TCP) over loopback, client and server in-process
/// on separate event loops.
struct LoopbackBench {
    let group: MultiThreadedEventLoopGroup
    let serverContext: DealTLSContext?
    let clientContext: DealTLSContext?

    /// Sends `rounds` × `roundBytes` one way to a sink that acknowledges each round.
    ///
    /// Returns wall-clock MiB/s, MiB per CPU-second of the whole process (both event loops and the kernel work
    /// they cause, which stays meaningful on a machine shared with other load), and the cipher.
    func bulk(
        rounds: Int,
        roundBytes: Int
    ) async throws -> (mibPerSecond: Double, mibPerCPUSecond: Double, cipher: String) {
        let serverLoop = self.group.next()
        let clientLoop = self.group.next()
        let serverContext = self.serverContext
        let server = try await ServerBootstrap(group: serverLoop)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let serverContext {
                        try channel.pipeline.syncOperations.addHandler(serverContext.makeHandler())
                    }
                    try channel.pipeline.syncOperations.addHandler(SinkHandler(roundBytes: roundBytes))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let done = clientLoop.makePromise(of: (Duration, String).self)
        let clientContext = self.clientContext
        let client = try await ClientBootstrap(group: clientLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let clientContext {
                        try channel.pipeline.syncOperations.addHandler(
                            clientContext.makeHandler(serverHostname: "localhost")
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        BulkWriter(
                            rounds: rounds,
                            roundBytes: roundBytes,
                            startsOnHandshake: clientContext != nil,
                            done: done
                        )
                    )
                }
            }
            .connect(host: "127.0.0.1", port: server.localAddress!.port!)
            .get()
        let cpuBefore = Self.processCPUSeconds()
        let (elapsed, cipher) = try await done.futureResult.get()
        let cpu = Self.processCPUSeconds() - cpuBefore
        try await client.close()
        try await server.close()
        let mebibytes = Double(rounds * roundBytes) / 1_048_576
        return (mebibytes / elapsed.seconds, mebibytes / cpu, cipher)
    }

    /// Ping-pongs `messageSize`-byte messages on one connection for `duration`; returns round trips per second.
    func pingPong(messageSize: Int, duration: TimeAmount) async throws -> Double {
        let serverLoop = self.group.next()
        let clientLoop = self.group.next()
        let serverContext = self.serverContext
        let server = try await ServerBootstrap(group: serverLoop)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let serverContext {
                        try channel.pipeline.syncOperations.addHandler(serverContext.makeHandler())
                    }
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let done = clientLoop.makePromise(of: (Int, Duration).self)
        let clientContext = self.clientContext
        let client = try await ClientBootstrap(group: clientLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let clientContext {
                        try channel.pipeline.syncOperations.addHandler(
                            clientContext.makeHandler(serverHostname: "localhost")
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        PingPongClient(
                            messageSize: messageSize,
                            duration: duration,
                            startsOnHandshake: clientContext != nil,
                            done: done
                        )
                    )
                }
            }
            .connect(host: "127.0.0.1", port: server.localAddress!.port!)
            .get()
        let (count, elapsed) = try await done.futureResult.get()
        try await client.close()
        try await server.close()
        return Double(count) / elapsed.seconds
    }

    /// User plus system CPU time of the whole process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}
