import DealServer
import DealTestSupport
import Foundation
import Testing

/// How dealsd's flags, its `DEALSD_*` environment and its configuration file combine, without a process.
@Suite("dealsd's command line: flags over environment over file")
struct DealDaemonCommandLineTests {
    @Test("with nothing given the defaults stand")
    func defaults() throws {
        #expect(try DealDaemonCommandLine().resolve(environment: [:]) == DealDaemonConfiguration())
    }

    @Test("the environment overrides the file, and each flag overrides both")
    func precedence() throws {
        let directory = try DealTemporaryDirectory(prefix: "dealsd-command-line")
        let file = directory.file("dealsd.yaml")
        try """
        listen: 127.0.0.1:1001
        log_level: error
        metrics_listen: 127.0.0.1:1002
        store:
          fsync: none
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["DEALSD_CONFIG": file, "DEALSD_LISTEN": "127.0.0.1:2001", "DEALSD_FSYNC": "batch"]

        let fromFileAndEnvironment = try DealDaemonCommandLine().resolve(environment: environment)
        #expect(fromFileAndEnvironment.listen == "127.0.0.1:2001")
        #expect(fromFileAndEnvironment.store.fsync == "batch")
        #expect(fromFileAndEnvironment.logLevel == "error")
        #expect(fromFileAndEnvironment.metricsListen == "127.0.0.1:1002")

        let flags = DealDaemonCommandLine(
            dataDir: "/flag/data",
            listen: "127.0.0.1:3001",
            logLevel: "debug",
            metricsListen: "127.0.0.1:3002",
            fsync: "always",
            postgres: "host=db",
            requireALPN: true
        )
        let resolved = try flags.resolve(environment: environment)
        #expect(resolved.dataDir == "/flag/data")
        #expect(resolved.listen == "127.0.0.1:3001")
        #expect(resolved.logLevel == "debug")
        #expect(resolved.metricsListen == "127.0.0.1:3002")
        #expect(resolved.store.fsync == "always")
        #expect(resolved.postgres.conninfo == "host=db")
        #expect(resolved.tls.requireALPN)
    }

    @Test("--config wins over DEALSD_CONFIG, and a missing file is an error naming it")
    func configFlag() throws {
        let missing = "/nonexistent/dealsd-\(UUID().uuidString).yaml"
        #expect(throws: DealServerError.self) {
            try DealDaemonCommandLine(configFile: missing).resolve(environment: ["DEALSD_CONFIG": "/dev/null"])
        }
        do {
            _ = try DealDaemonCommandLine(configFile: missing).resolve(environment: [:])
            Issue.record("a missing --config file was accepted")
        } catch {
            #expect(error.message.contains(missing))
        }
    }
}
