import Synchronization

/// A TLS configuration turned into a ready OpenSSL context, shared by all connections of one server or client.
///
/// Create it once (it reads the certificate, key and trust files), then call ``makeHandler(serverHostname:)``
/// for each connection inside the channel initializer. ``reload()`` re-reads the files: connections that already
/// exist keep the context they started with, new handshakes use the new one.
public final class DealTLSContext: Sendable {
    /// The configuration this context was built from.
    public let configuration: DealTLSConfiguration
    private let current: Mutex<SSLContextReference>

    /// Builds a context, reading and checking every file the configuration names.
    ///
    /// - Throws: ``DealTLSError`` naming the file and check that failed (``DealTLSError/Code/fileUnreadable``,
    ///   ``DealTLSError/Code/invalidCertificate``, ``DealTLSError/Code/invalidPrivateKey``,
    ///   ``DealTLSError/Code/invalidTrustRoots``, ``DealTLSError/Code/invalidConfiguration``).
    public init(configuration: DealTLSConfiguration) throws(DealTLSError) {
        self.configuration = configuration
        self.current = Mutex(try SSLContextReference(configuration: configuration))
    }

    /// Re-reads the certificate chain, private key and trust roots from disk and uses them for new handshakes.
    ///
    /// Established connections are not affected. If loading fails the previous files stay in use and the error
    /// is thrown, so a half-written certificate on disk cannot take a running server down.
    public func reload() throws(DealTLSError) {
        let replacement = try SSLContextReference(configuration: self.configuration)
        self.current.withLock { $0 = replacement }
    }

    /// Makes the handler for one new connection; call it inside the channel initializer.
    ///
    /// - Parameter serverHostname: Client only: the name the server certificate must match, overriding
    ///   ``DealTLSConfiguration/serverHostname``. DNS names are also sent as SNI; IP literals are not.
    /// - Throws: ``DealTLSError`` if OpenSSL cannot create the connection or the hostname is unusable.
    public func makeHandler(serverHostname: String? = nil) throws(DealTLSError) -> DealTLSHandler {
        let reference = self.current.withLock { $0 }
        let connection = try OpenSSLConnection(contextReference: reference, serverHostname: serverHostname)
        return DealTLSHandler(connection: connection, handshakeTimeout: self.configuration.handshakeTimeout)
    }

    /// SHA-256 fingerprint of the leaf certificate new handshakes present, or `nil` when there is none.
    public var certificateFingerprint: String? {
        let reference = self.current.withLock { $0 }
        return reference.certificateFingerprint
    }
}
