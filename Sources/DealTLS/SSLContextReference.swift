import CDealOpenSSLShims
import COpenSSL
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one configured `SSL_CTX` and the data its callbacks read.
///
/// Safe to share across threads (hence `@unchecked Sendable`): every stored property is a `let` set up completely
/// in `init` before the object escapes, the `SSL_CTX` is never reconfigured afterwards (a reload builds a new
/// reference), and OpenSSL documents `SSL_new` on a fully configured `SSL_CTX` as thread-safe. The callbacks only
/// read the immutable ALPN list and ALPN requirement.
final class SSLContextReference: @unchecked Sendable {
    let context: OpaquePointer
    let role: DealTLSConfiguration.Role
    /// ALPN protocols as raw bytes, most preferred first.
    let alpnProtocols: [[UInt8]]
    /// Server only: whether a ClientHello without any ALPN extension is refused.
    let requiresALPN: Bool
    let serverHostname: String?

    /// SHA-256 fingerprint of our own leaf certificate, if we have one.
    var certificateFingerprint: String? {
        SSL_CTX_get0_certificate(self.context).map(X509Inspection.sha256Fingerprint)
    }

    init(configuration: DealTLSConfiguration) throws(DealTLSError) {
        try Self.validate(configuration)
        OpenSSLErrorQueue.clear()
        let method = configuration.role == .server ? TLS_server_method() : TLS_client_method()
        guard let context = SSL_CTX_new(method) else {
            throw DealTLSError(
                code: .internalError,
                message: "SSL_CTX_new failed: \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
        self.context = context
        self.role = configuration.role
        self.alpnProtocols = configuration.alpnProtocols.map { Array($0.utf8) }
        self.requiresALPN = configuration.requiresALPN
        self.serverHostname = configuration.serverHostname
        // From here on `deinit` frees the context if a later step throws.
        try self.configure(configuration)
    }

    deinit {
        SSL_CTX_free(self.context)
    }

    private static func validate(_ configuration: DealTLSConfiguration) throws(DealTLSError) {
        if configuration.alpnProtocols.isEmpty {
            throw DealTLSError(code: .invalidConfiguration, message: "alpnProtocols must name at least one protocol")
        }
        for name in configuration.alpnProtocols where name.utf8.isEmpty || name.utf8.count > 255 {
            throw DealTLSError(
                code: .invalidConfiguration,
                message: "ALPN protocol '\(name)' must be 1 to 255 bytes long"
            )
        }
        if configuration.handshakeTimeout <= .zero {
            throw DealTLSError(code: .invalidConfiguration, message: "handshakeTimeout must be positive")
        }
        if (configuration.certificateChainFile == nil) != (configuration.privateKeyFile == nil) {
            throw DealTLSError(
                code: .invalidConfiguration,
                message: "certificateChainFile and privateKeyFile must be set together"
            )
        }
        switch configuration.role {
        case .server:
            if configuration.certificateChainFile == nil {
                throw DealTLSError(
                    code: .invalidConfiguration,
                    message: "a server needs certificateChainFile and privateKeyFile"
                )
            }
            if configuration.clientCertificatePolicy != .none && configuration.clientTrustRootsFile == nil {
                throw DealTLSError(
                    code: .invalidConfiguration,
                    message:
                        "clientCertificatePolicy \(configuration.clientCertificatePolicy) needs clientTrustRootsFile"
                )
            }
        case .client:
            if configuration.clientCertificatePolicy != .none {
                throw DealTLSError(
                    code: .invalidConfiguration,
                    message: "clientCertificatePolicy applies to servers only"
                )
            }
        }
    }

    /// The TLS 1.2 cipher suites offered and accepted (OpenSSL cipher list syntax).
    static let tls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20"

    private func configure(_ configuration: DealTLSConfiguration) throws(DealTLSError) {
        let minimum = configuration.minimumVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        guard CDealOpenSSL_SSL_CTX_set_min_proto_version(self.context, minimum) == 1 else {
            throw DealTLSError(
                code: .internalError,
                message: "cannot set minimum protocol version: \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
        // TLS 1.2 suites with forward secrecy (ECDHE) and AEAD only: OpenSSL's default list also has RSA key
        // exchange, CBC and SHA-1 suites. TLS 1.3 suites all have both already and are configured apart.
        guard SSL_CTX_set_cipher_list(self.context, Self.tls12Ciphers) == 1 else {
            throw DealTLSError(
                code: .internalError,
                message: "cannot set the TLS 1.2 cipher list: \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
        // Renegotiation only exists before TLS 1.3 and is a classic source of trouble; nobody here needs it.
        SSL_CTX_set_options(self.context, CDealOpenSSL_SSL_OP_NO_RENEGOTIATION())
        // ByteBuffer storage can move between an SSL_write that wants a retry and the retry itself.
        _ = CDealOpenSSL_SSL_CTX_set_mode(self.context, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))

        if let chainFile = configuration.certificateChainFile, let keyFile = configuration.privateKeyFile {
            try self.loadIdentity(chainFile: chainFile, keyFile: keyFile)
        }

        let unmanagedSelf = Unmanaged.passUnretained(self).toOpaque()
        switch configuration.role {
        case .server:
            try self.configureServer(configuration, unmanagedSelf: unmanagedSelf)
        case .client:
            try self.configureClient(configuration)
        }
    }

    private func configureServer(
        _ configuration: DealTLSConfiguration,
        unmanagedSelf: UnsafeMutableRawPointer
    ) throws(DealTLSError) {
        // The callbacks get `self` unretained: the SSL_CTX they belong to dies in this object's deinit, and every
        // connection keeps this object alive for as long as its SSL lives.
        SSL_CTX_set_alpn_select_cb(self.context, sslContextReferenceALPNSelect, unmanagedSelf)
        SSL_CTX_set_client_hello_cb(self.context, sslContextReferenceClientHello, unmanagedSelf)
        let sessionContext: [UInt8] = Array("dealstore".utf8)
        _ = SSL_CTX_set_session_id_context(self.context, sessionContext, UInt32(sessionContext.count))

        switch configuration.clientCertificatePolicy {
        case .none:
            SSL_CTX_set_verify(self.context, SSL_VERIFY_NONE, nil)
        case .optional, .required:
            guard let rootsFile = configuration.clientTrustRootsFile else {
                return
            }
            try self.loadTrustRoots(file: rootsFile, what: "client trust roots file")
            // The CA names tell clients which certificate to pick; a failure here only loses that hint.
            if let names = SSL_load_client_CA_file(rootsFile) {
                SSL_CTX_set_client_CA_list(self.context, names)
            }
            OpenSSLErrorQueue.clear()
            var mode = SSL_VERIFY_PEER
            if configuration.clientCertificatePolicy == .required {
                mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT
            }
            SSL_CTX_set_verify(self.context, mode, sslContextReferenceVerify)
        }
    }

    private func configureClient(_ configuration: DealTLSConfiguration) throws(DealTLSError) {
        if let rootsFile = configuration.trustRootsFile {
            try self.loadTrustRoots(file: rootsFile, what: "trust roots file")
        } else {
            OpenSSLErrorQueue.clear()
            guard SSL_CTX_set_default_verify_paths(self.context) == 1 else {
                throw DealTLSError(
                    code: .invalidTrustRoots,
                    message: "cannot load the system trust store: \(OpenSSLErrorQueue.drainedDescription())"
                )
            }
        }
        SSL_CTX_set_verify(self.context, SSL_VERIFY_PEER, sslContextReferenceVerify)

        var wire: [UInt8] = []
        for name in self.alpnProtocols {
            wire.append(UInt8(name.count))
            wire.append(contentsOf: name)
        }
        // SSL_CTX_set_alpn_protos returns 0 on success, unlike nearly everything else in OpenSSL.
        guard SSL_CTX_set_alpn_protos(self.context, wire, UInt32(wire.count)) == 0 else {
            throw DealTLSError(
                code: .internalError,
                message: "cannot set ALPN protocols: \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
    }

    private func loadIdentity(chainFile: String, keyFile: String) throws(DealTLSError) {
        try Self.checkReadable(chainFile, what: "certificate chain file")
        try Self.checkReadable(keyFile, what: "private key file")
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_use_certificate_chain_file(self.context, chainFile) == 1 else {
            throw DealTLSError(
                code: .invalidCertificate,
                message: "cannot load certificate chain from '\(chainFile)': \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
        let subject = SSL_CTX_get0_certificate(self.context).map(X509Inspection.subjectDescription) ?? "?"
        guard SSL_CTX_use_PrivateKey_file(self.context, keyFile, SSL_FILETYPE_PEM) == 1 else {
            let reasons = OpenSSLErrorQueue.drainedDescription()
            // OpenSSL checks the pairing while loading; say which two files disagree, not only that they do.
            let message =
                reasons.contains("mismatch")
                ? "private key in '\(keyFile)' does not match certificate \(subject) from '\(chainFile)': \(reasons)"
                : "cannot load private key from '\(keyFile)': \(reasons)"
            throw DealTLSError(code: .invalidPrivateKey, message: message)
        }
        guard SSL_CTX_check_private_key(self.context) == 1 else {
            throw DealTLSError(
                code: .invalidPrivateKey,
                message:
                    "private key in '\(keyFile)' does not match certificate \(subject) from '\(chainFile)': "
                    + OpenSSLErrorQueue.drainedDescription()
            )
        }
    }

    private func loadTrustRoots(file: String, what: String) throws(DealTLSError) {
        try Self.checkReadable(file, what: what)
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_load_verify_locations(self.context, file, nil) == 1 else {
            throw DealTLSError(
                code: .invalidTrustRoots,
                message: "cannot load \(what) '\(file)': \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
    }

    private static func checkReadable(_ path: String, what: String) throws(DealTLSError) {
        if access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            throw DealTLSError(code: .fileUnreadable, message: "cannot read \(what) '\(path)': \(reason)")
        }
    }
}

/// Server-side ALPN selection: the first of our protocols, in our order, that the client offered.
private func sslContextReferenceALPNSelect(
    ssl: OpaquePointer?,
    out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    outLength: UnsafeMutablePointer<UInt8>?,
    offered: UnsafePointer<UInt8>?,
    offeredLength: UInt32,
    argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let argument, let offered, let out, let outLength else {
        return SSL_TLSEXT_ERR_ALERT_FATAL
    }
    let reference = Unmanaged<SSLContextReference>.fromOpaque(argument).takeUnretainedValue()
    let client = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
    for wanted in reference.alpnProtocols {
        var index = 0
        while index < client.count {
            let length = Int(client[index])
            let start = index + 1
            guard start + length <= client.count else {
                break
            }
            if length == wanted.count && client[start..<start + length].elementsEqual(wanted) {
                // Point into the client's list: it outlives the callback, unlike any Swift array here.
                out.pointee = offered + start
                outLength.pointee = UInt8(length)
                return SSL_TLSEXT_ERR_OK
            }
            index = start + length
        }
    }
    // Fatal rather than NOACK: a client that speaks no protocol we know must not get a session at all.
    return SSL_TLSEXT_ERR_ALERT_FATAL
}

/// Rejects a ClientHello without any ALPN extension when the configuration requires ALPN: the ALPN callback, which
/// refuses a client offering only other protocols, never sees a hello without the extension.
private func sslContextReferenceClientHello(
    ssl: OpaquePointer?,
    alert: UnsafeMutablePointer<Int32>?,
    argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let argument else {
        return SSL_CLIENT_HELLO_ERROR
    }
    let reference = Unmanaged<SSLContextReference>.fromOpaque(argument).takeUnretainedValue()
    guard reference.requiresALPN else {
        return SSL_CLIENT_HELLO_SUCCESS
    }
    var data: UnsafePointer<UInt8>? = nil
    var length = 0
    let present = SSL_client_hello_get0_ext(
        ssl,
        UInt32(TLSEXT_TYPE_application_layer_protocol_negotiation),
        &data,
        &length
    )
    if present == 1 {
        return SSL_CLIENT_HELLO_SUCCESS
    }
    alert?.pointee = SSL_AD_NO_APPLICATION_PROTOCOL
    return SSL_CLIENT_HELLO_ERROR
}

/// Records the first certificate that failed verification, so errors can name it; the verdict is unchanged.
private func sslContextReferenceVerify(preverifyOK: Int32, store: OpaquePointer?) -> Int32 {
    if preverifyOK == 1 {
        return 1
    }
    guard let store,
        let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
        let connectionPointer = SSL_get_ex_data(OpaquePointer(ssl), OpenSSLConnection.exDataIndex)
    else {
        return preverifyOK
    }
    let connection = Unmanaged<OpenSSLConnection>.fromOpaque(connectionPointer).takeUnretainedValue()
    if connection.verificationFailure == nil {
        let depth = X509_STORE_CTX_get_error_depth(store)
        let code = X509_STORE_CTX_get_error(store)
        let reason = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
        let subject = X509_STORE_CTX_get_current_cert(store).map(X509Inspection.subjectDescription) ?? "(none)"
        connection.verificationFailure = "certificate \(subject) at chain depth \(depth) failed: \(reason)"
    }
    return preverifyOK
}
