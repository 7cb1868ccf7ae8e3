import ArgumentParser
import DealDaemonCommand
import DealServer
import Testing

/// The exit statuses `dealsd` documents (Deploy/dealsd.service, Deploy/INSTALL.md), checked without a process.
@Suite("dealsd's exit statuses")
struct DealsdCommandExitStatusTests {
    @Test("a daemon that cannot start reports one line and exits 78 (EX_CONFIG)")
    func startFailureIs78() async throws {
        var lines: [String] = []
        do {
            try await DealsdCommand.exitingOnStartFailure(
                { throw DealServerError(code: .bindFailed, message: "cannot listen on 127.0.0.1:1: in use") },
                report: { lines.append($0) }
            )
            Issue.record("the start failure was swallowed")
        } catch let exit as ExitCode {
            #expect(exit.rawValue == 78)
            #expect(DealsdCommand.exitCode(for: exit).rawValue == 78)
        }
        #expect(lines == ["dealsd: cannot listen on 127.0.0.1:1: in use"])
    }

    @Test("other errors pass through to ArgumentParser: a validation error is a usage error (64)")
    func otherErrorsPassThrough() async throws {
        var lines: [String] = []
        await #expect(throws: ValidationError.self) {
            try await DealsdCommand.exitingOnStartFailure(
                { throw ValidationError("log level \"loud\" is not one of trace, debug") },
                report: { lines.append($0) }
            )
        }
        #expect(lines.isEmpty)
        #expect(DealsdCommand.exitCode(for: ValidationError("bad")).rawValue == 64)
    }

    @Test("a daemon that stops cleanly exits 0, and an unhealthy check exits 1")
    func cleanStopAndUnhealthyCheck() async throws {
        var lines: [String] = []
        try await DealsdCommand.exitingOnStartFailure({}, report: { lines.append($0) })
        #expect(lines.isEmpty)
        #expect(DealsdCommand.unhealthyStoreExitCode.rawValue == 1)
    }

    @Test("an unknown option is a usage error (64) naming it")
    func unknownOptionIsUsageError() {
        do {
            _ = try DealsdCommand.parseAsRoot(["serve", "--no-such-option"])
            Issue.record("an unknown option was accepted")
        } catch {
            #expect(DealsdCommand.exitCode(for: error).rawValue == 64)
            #expect(DealsdCommand.message(for: error).contains("--no-such-option"))
        }
    }
}
