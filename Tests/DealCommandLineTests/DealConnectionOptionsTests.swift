import ArgumentParser
import DealClient
import Testing

@testable import DealCommandLine

@Suite("Deal connection options") struct DealConnectionOptionsTests {
    @Test("--token-file, before or after the subcommand, is the explicit layer's token file")
    func tokenFileFlag() throws {
        for arguments in [
            ["list", "--token-file", "/run/deals.token"], ["--token-file", "/run/deals.token", "list"],
        ] {
            let command = try DealsCommand.parseAsRoot(DealsCommand.hoistingGlobalOptions(arguments))
            let list = try #require(command as? DealsListCommand)
            #expect(list.connection.settings.tokenFile == "/run/deals.token")
            #expect(list.connection.settings.token == nil)
        }
    }

    @Test("the CLI names explicit settings by their flags in resolution errors")
    func flagNamesInMessages() {
        #expect(
            DealConnectionField.allCases.map(\.flag) == [
                "--addr", "--token", "--token-file", "--ca", "--cert", "--key",
            ]
        )
        #expect(
            throws: DealClientConfigurationError(
                code: .incompleteClientCertificate,
                message: "a client key needs its certificate: set --cert or DEALS_CERT"
            )
        ) {
            try DealConnectionResolver(environment: [:], explicitName: { $0.flag })
                .resolve(explicit: DealConnectionSettings(keyFile: "k.pem"), profileName: nil)
        }
    }
}
