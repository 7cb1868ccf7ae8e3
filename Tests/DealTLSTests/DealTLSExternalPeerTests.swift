import DealTLS
import DealTestSupport
import Foundation
import NIOCore
import Testing

/// Peers written by other people: the `openssl` command and Python's `ssl` module.
@Suite("Handshakes with external TLS implementations")
struct DealTLSExternalPeerTests {
    private static let pythonClient = """
        import socket, ssl, sys
        port, cafile = int(sys.argv[1]), sys.argv[2]
        context = ssl.create_default_context(cafile=cafile)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.set_alpn_protocols(["dealstore/1"])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as tls:
                print("version", tls.version())
                print("alpn", tls.selected_alpn_protocol())
                payload = b"ping-from-python" * 4096
                tls.sendall(payload)
                received = b""
                while len(received) < len(payload):
                    chunk = tls.recv(65536)
                    if not chunk:
                        break
                    received += chunk
                print("echo", "ok" if received == payload else "mismatch %d" % len(received))
                tls.unwrap()
                print("unwrap ok")
        """

    private static let pythonOldClient = """
        import socket, ssl, sys
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            context.minimum_version = ssl.TLSVersion.TLSv1_1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        except Exception as error:
            print("setup failed", error)
        try:
            with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    print("handshake succeeded", tls.version())
        except (ssl.SSLError, OSError) as error:
            print("handshake failed", error)
            sys.exit(3)
        """

    @Test("openssl s_client completes a handshake and exchanges data", arguments: ["-tls1_3", "-tls1_2"])
    func opensslClient(versionFlag: String) async throws {
        let pki = try TestPKI()
        var configuration = pki.serverConfiguration()
        configuration.minimumVersion = .tls12
        let message = "ping-from-s_client\n"
        let server = try await TLSTestServer(
            context: DealTLSContext(configuration: configuration),
            closeAfterBytes: message.utf8.count
        )
        let result = try await DealExternalProcess.run(
            [
                "openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost",
                "-verify_hostname", "localhost", "-CAfile", pki.caFile, "-verify_return_error",
                "-alpn", "dealstore/1", "-ign_eof", versionFlag,
            ],
            input: message,
            directory: pki.directory
        )
        let expectedVersion = versionFlag == "-tls1_3" ? "TLSv1.3" : "TLSv1.2"
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.output.contains(expectedVersion), "\(result.output)")
        #expect(result.output.contains("ALPN protocol: dealstore/1"), "\(result.output)")
        #expect(result.output.contains("Verify return code: 0 (ok)"), "\(result.output)")
        #expect(result.output.contains("ping-from-s_client"), "echo missing: \(result.output)")
        let snapshot = try await server.connection().wait(for: "server side closed") { $0.inactive }
        #expect(snapshot.handshake?.protocolVersion == expectedVersion)
        #expect(snapshot.errors.isEmpty, "\(snapshot.errors)")
        try await server.close()
    }

    @Test("openssl s_client without ALPN completes the handshake and reads the certificate (a TLS monitor)")
    func opensslClientWithoutALPN() async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let result = try await DealExternalProcess.run(
            [
                "openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost",
                "-CAfile", pki.caFile, "-verify_return_error", "-showcerts",
            ],
            directory: pki.directory
        )
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.output.contains("-----BEGIN CERTIFICATE-----"), "\(result.output)")
        #expect(result.output.contains("Verify return code: 0 (ok)"), "\(result.output)")
        #expect(result.output.contains("No ALPN negotiated"), "\(result.output)")
        let snapshot = try await server.connection().wait(for: "server side closed") { $0.inactive }
        #expect(snapshot.handshake?.alpnProtocol == nil)
        #expect(snapshot.handshake?.protocolVersion == "TLSv1.3")
        try await server.close()
    }

    @Test("with requiresALPN, openssl s_client without ALPN is refused with no_application_protocol")
    func opensslClientWithoutALPNWhenRequired() async throws {
        let pki = try TestPKI()
        var configuration = pki.serverConfiguration()
        configuration.requiresALPN = true
        let server = try await TLSTestServer(context: DealTLSContext(configuration: configuration))
        let result = try await DealExternalProcess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", pki.caFile],
            directory: pki.directory
        )
        #expect(result.status != 0)
        #expect(result.combined.contains("no application protocol"), "\(result.combined)")
        let snapshot = try await server.connection().wait(for: "server side closed") { $0.inactive }
        #expect(snapshot.handshake == nil)
        let error = try #require(snapshot.tlsErrors.first)
        #expect(error.code == .handshakeFailed)
        try await server.close()
    }

    @Test("openssl s_client offering only another protocol (h2) is refused with no_application_protocol")
    func opensslClientWithOtherALPN() async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let result = try await DealExternalProcess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", pki.caFile, "-alpn", "h2"],
            directory: pki.directory
        )
        #expect(result.status != 0)
        #expect(result.combined.contains("no application protocol"), "\(result.combined)")
        let snapshot = try await server.connection().wait(for: "server side closed") { $0.inactive }
        #expect(snapshot.handshake == nil)
        try await server.close()
    }

    @Test("Python's ssl module verifies the server, negotiates dealstore/1 over TLS 1.3 and exchanges data")
    func pythonClient() async throws {
        let pki = try TestPKI()
        let server = try await TLSTestServer(context: DealTLSContext(configuration: pki.serverConfiguration()))
        let result = try await DealExternalProcess.run(
            ["python3", "-c", Self.pythonClient, "\(server.port)", pki.caFile],
            directory: pki.directory
        )
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.output.contains("version TLSv1.3"), "\(result.combined)")
        #expect(result.output.contains("alpn dealstore/1"), "\(result.combined)")
        #expect(result.output.contains("echo ok"), "\(result.combined)")
        #expect(result.output.contains("unwrap ok"), "\(result.combined)")
        let snapshot = try await server.connection().wait(for: "server side closed") { $0.inactive }
        #expect(snapshot.closeNotifyReceived)
        #expect(snapshot.errors.isEmpty, "\(snapshot.errors)")
        try await server.close()
    }

    @Test(
        "A TLS 1.1-only client never completes a handshake",
        arguments: ["openssl", "python"]
    )
    func tls11Client(tool: String) async throws {
        let pki = try TestPKI()
        var configuration = pki.serverConfiguration()
        // Even the most permissive setting must refuse anything older than TLS 1.2.
        configuration.minimumVersion = .tls12
        let server = try await TLSTestServer(context: DealTLSContext(configuration: configuration))
        let arguments =
            tool == "openssl"
            ? [
                "openssl", "s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_1",
                "-cipher", "DEFAULT:@SECLEVEL=0", "-alpn", "dealstore/1",
            ]
            : ["python3", "-c", Self.pythonOldClient, "\(server.port)"]
        let result = try await DealExternalProcess.run(arguments, directory: pki.directory)
        #expect(result.status != 0, "\(result.combined)")
        #expect(!result.output.contains("handshake succeeded"))
        // OpenSSL 3 may refuse to send a TLS 1.1 ClientHello at all; if it did connect, the server refused it.
        for connection in server.connections {
            let snapshot = try await connection.wait(for: "server side closed") { $0.inactive }
            #expect(snapshot.handshake == nil)
            if let error = snapshot.tlsErrors.first {
                #expect(
                    error.code == .handshakeFailed || error.code == .connectionClosedDuringHandshake,
                    "\(error)"
                )
            }
        }
        try await server.close()
    }
}
