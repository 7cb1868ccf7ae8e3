public import NIOCore

/// Everything needed to build a ``DealTLSContext`` for one side of a connection, with safe defaults.
///
/// Start from ``server(certificateChainFile:privateKeyFile:)`` or ``client(trustRootsFile:)`` and change
/// properties as needed. Files are read when the context is created (and again on ``DealTLSContext/reload()``),
/// not when the configuration is made.
public struct DealTLSConfiguration: Sendable {
    /// Which end of the connection a configuration is for.
    public enum Role: Sendable, Hashable {
        /// Accepts connections and presents a certificate.
        case server
        /// Initiates connections and verifies the server's certificate.
        case client
    }

    /// Which end of the connection this configuration is for.
    public var role: Role
    /// The oldest protocol version accepted; defaults to TLS 1.3. Versions before TLS 1.2 are never accepted.
    public var minimumVersion: DealTLSProtocolVersion = .tls13
    /// ALPN protocols, most preferred first; defaults to `["dealstore/1"]`.
    ///
    /// A server rejects a client that offers ALPN but none of these protocols with `no_application_protocol`. A
    /// client that offers no ALPN at all is accepted unless ``requiresALPN`` is set.
    public var alpnProtocols: [String] = ["dealstore/1"]
    /// Server only: whether a client that offers no ALPN at all is refused (with `no_application_protocol`);
    /// defaults to `false`.
    ///
    /// Off by default so that TLS tools (scanners such as testssl.sh, certificate-expiry monitors, load-balancer
    /// health checks), which rarely send ALPN, can complete a handshake and read the certificate. That lets
    /// nothing else in: the frame protocol still starts with HELLO, and a client offering only other protocols is
    /// refused either way.
    public var requiresALPN = false
    /// Server only: whether clients must present a certificate; defaults to ``DealTLSClientCertificatePolicy/none``.
    public var clientCertificatePolicy: DealTLSClientCertificatePolicy = .none
    /// Server only: PEM file of CAs that client certificates must chain to; required unless the policy is `.none`.
    public var clientTrustRootsFile: String?
    /// PEM file with the leaf certificate first, then intermediates; required for servers, optional for clients
    /// (a client presents it for mutual TLS).
    public var certificateChainFile: String?
    /// PEM file with the private key matching ``certificateChainFile``.
    public var privateKeyFile: String?
    /// Client only: PEM file of trusted CAs for the server's certificate; `nil` uses the system's trust store.
    public var trustRootsFile: String?
    /// Client only: the name (DNS name or IP literal) the server's certificate must match.
    ///
    /// A DNS name is also sent as SNI; an IP literal is verified against IP SANs and is not sent. When `nil`
    /// (and no name is given to ``DealTLSContext/makeHandler(serverHostname:)``) only the chain is verified,
    /// which is rarely what you want.
    public var serverHostname: String?
    /// How long a handshake may take before the connection is closed with ``DealTLSError/Code/handshakeTimeout``;
    /// defaults to 10 seconds so a silent peer cannot hold a connection.
    public var handshakeTimeout: TimeAmount = .seconds(10)

    private init(role: Role) {
        self.role = role
    }

    /// A server configuration presenting the certificate chain and key from PEM files.
    ///
    /// - Parameters:
    ///   - certificateChainFile: PEM file, leaf certificate first, then intermediates.
    ///   - privateKeyFile: PEM file with the matching private key (unencrypted).
    public static func server(certificateChainFile: String, privateKeyFile: String) -> DealTLSConfiguration {
        var configuration = DealTLSConfiguration(role: .server)
        configuration.certificateChainFile = certificateChainFile
        configuration.privateKeyFile = privateKeyFile
        return configuration
    }

    /// A client configuration that verifies servers against the CAs in a PEM file, or the system store.
    ///
    /// - Parameter trustRootsFile: PEM file of trusted CAs; `nil` uses the system's default trust store.
    public static func client(trustRootsFile: String?) -> DealTLSConfiguration {
        var configuration = DealTLSConfiguration(role: .client)
        configuration.trustRootsFile = trustRootsFile
        return configuration
    }
}
