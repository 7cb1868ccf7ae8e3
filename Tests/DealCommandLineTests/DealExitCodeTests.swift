import DealClient
import DealCommandLine
import DealProtocol
import Testing

@Suite("Deal exit code") struct DealExitCodeTests {
    @Test(
        "maps status codes",
        arguments: [
            (DealStatusCode.ok, DealExitCode.success),
            (.cancelled, .failure),
            (.unknown, .failure),
            (.invalidArgument, .usage),
            (.deadlineExceeded, .unavailable),
            (.notFound, .notFound),
            (.alreadyExists, .conflict),
            (.permissionDenied, .permission),
            (.resourceExhausted, .unavailable),
            (.failedPrecondition, .conflict),
            (.aborted, .conflict),
            (.outOfRange, .usage),
            (.unimplemented, .failure),
            (.internal, .failure),
            (.unavailable, .unavailable),
            (.dataLoss, .failure),
            (.unauthenticated, .permission),
            (DealStatusCode(rawValue: 99), .failure),
        ]
    )
    func mapsStatusCodes(_ code: DealStatusCode, _ expected: DealExitCode) {
        #expect(DealExitCode.forStatus(code) == expected)
    }

    @Test("exit codes are distinct") func exitCodesAreDistinct() {
        #expect(DealExitCode.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5, 6])
    }

    static var local: DealResolvedConnection {
        var connection = DealResolvedConnection(host: "127.0.0.1", port: 7443)
        connection.caFile = "/state/ca.pem"
        connection.caSource = "the local dealsd data directory"
        connection.tokenSearch = ["--token", "DEALS_TOKEN", "/state/admin.token"]
        return connection
    }

    @Test("connection refused names the address and dealsd") func connectionRefusedNamesTheAddressAndDealsd() {
        let failure = DealErrorDescriber.failure(
            for: DealRPCError(code: .unavailable, message: "connection refused"),
            connection: Self.local
        )
        #expect(failure.exitCode == .unavailable)
        #expect(failure.message.contains("127.0.0.1:7443"))
        #expect(failure.message.contains("Is dealsd running?"))
        #expect(!failure.message.contains("\n"))
    }

    @Test("tls failure names the CA file") func tlsFailureNamesTheCAFile() {
        let failure = DealErrorDescriber.failure(
            for: DealRPCError(code: .unavailable, message: "certificate verify failed"),
            connection: Self.local
        )
        #expect(failure.message.contains("/state/ca.pem"))
        #expect(failure.message.contains("--ca"))
    }

    @Test("missing token says where it looked") func missingTokenSaysWhereItLooked() {
        let failure = DealErrorDescriber.failure(
            for: DealRPCError(code: .unauthenticated, message: "no token"),
            connection: Self.local
        )
        #expect(failure.exitCode == .permission)
        #expect(failure.message.contains("--token, DEALS_TOKEN, /state/admin.token"))
    }

    @Test("not found points at the list command") func notFoundPointsAtTheListCommand() {
        let deal = DealErrorDescriber.failure(
            for: DealRPCError(code: .notFound, message: "deal 'x' not found"),
            connection: Self.local
        )
        #expect(deal.exitCode == .notFound)
        #expect(deal.message == "deal 'x' not found; `deals list` shows what exists")
        let organization = DealErrorDescriber.failure(
            for: DealRPCError(code: .notFound, message: "organization 'x' not found"),
            connection: Self.local
        )
        #expect(organization.message.hasSuffix("`deals orgs list` shows what exists"))
    }

    @Test("stale etag is a conflict") func staleEtagIsAConflict() {
        let failure = DealErrorDescriber.failure(
            for: DealRPCError(code: .aborted, message: "etag mismatch"),
            connection: Self.local
        )
        #expect(failure.exitCode == .conflict)
        #expect(failure.message.hasPrefix("conflict: etag mismatch"))
    }
}
