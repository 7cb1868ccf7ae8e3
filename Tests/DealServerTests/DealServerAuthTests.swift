import DealClient
import DealModel
import DealProtocol
import DealServer
import DealTLS
import DealTestSupport
import Foundation
import Testing

@Suite("Authorization outcomes")
struct DealServerAuthTests {
    enum Credential: String, CaseIterable, Sendable {
        case none, invalid, read, write, admin
    }

    static func token(_ credential: Credential, _ harness: DealServerHarness) -> String? {
        switch credential {
        case .none: nil
        case .invalid: "dst_not_a_real_token"
        case .read: harness.readToken
        case .write: harness.writeToken
        case .admin: harness.adminToken
        }
    }

    @Test(
        "each credential gets the documented answer on reads, writes, missing records and anonymous methods",
        arguments: Credential.allCases
    )
    func outcomes(credential: Credential) async throws {
        try await DealServerHarness.with { harness, _ in
            let configuration = harness.clientConfiguration(token: Self.token(credential, harness))
            try await withDealClient(configuration: configuration) { client in
                let readCode = await Self.code { _ = try await client.listDeals(Dealstore_V1_ListDealsRequest()) }
                let writeCode = await Self.code {
                    _ = try await client.createDeal(DealTestRecords.createRequest(id: "auth-\(credential.rawValue)"))
                }
                var missing = Dealstore_V1_GetDealRequest()
                missing.id = "does-not-exist"
                let missingCode = await Self.code { _ = try await client.getDeal(missing) }
                let anonymousCode = await Self.code {
                    _ = try await client.healthCheck(Dealstore_V1_HealthCheckRequest())
                }
                // A wrong token is reported even where no token is needed, so a typo never goes unnoticed.
                #expect(anonymousCode == (credential == .invalid ? .unauthenticated : .ok))
                switch credential {
                case .none, .invalid:
                    #expect(readCode == .unauthenticated)
                    #expect(writeCode == .unauthenticated)
                    // Without credentials a missing record and an existing one look the same.
                    #expect(missingCode == .unauthenticated)
                case .read:
                    #expect(readCode == .ok)
                    #expect(writeCode == .permissionDenied)
                    #expect(missingCode == .notFound)
                case .write, .admin:
                    #expect(readCode == .ok)
                    #expect(writeCode == .ok)
                    #expect(missingCode == .notFound)
                }
            }
        }
    }

    @Test("a client certificate mapped to a role authorizes without a token; an unmapped one does not")
    func mutualTLS() async throws {
        let clientDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("mtls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: clientDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: clientDirectory) }
        let mapReporting: (inout DealServer.Configuration) -> Void = { configuration in
            configuration.tls.clientCertificatePolicy = .optional
            configuration.certificateRoles = ["cn:reporting": .read]
        }
        try await DealServerHarness.with(configure: mapReporting) { harness, _ in
            for (name, expected) in [("reporting", DealStatusCode.ok), ("stranger", .unauthenticated)] {
                try DealDevelopmentCA.issueClientCertificate(
                    caCertificateFile: harness.caFile,
                    caPrivateKeyFile: harness.directory + "/ca-key.pem",
                    commonName: name,
                    certificateFile: clientDirectory + "/\(name).pem",
                    privateKeyFile: clientDirectory + "/\(name)-key.pem"
                )
                var configuration = harness.clientConfiguration(token: nil)
                configuration.certificateChainFile = clientDirectory + "/\(name).pem"
                configuration.privateKeyFile = clientDirectory + "/\(name)-key.pem"
                let code = try await withDealClient(configuration: configuration) { client in
                    await Self.code { _ = try await client.listDeals(Dealstore_V1_ListDealsRequest()) }
                }
                #expect(code == expected, "certificate \(name)")
            }
        }
    }

    static func code(_ body: () async throws -> Void) async -> DealStatusCode {
        do {
            try await body()
            return .ok
        } catch let error as DealRPCError {
            return error.code
        } catch {
            return .unknown
        }
    }
}
