import CDealOpenSSLShims
import COpenSSL
import NIOCore

/// One `SSL` object over a pair of memory BIOs: ciphertext in through ``feed(_:)``, ciphertext out through
/// ``takeCiphertext(allocator:)``, plaintext through ``read(into:)`` and ``write(_:)``.
///
/// Not thread-safe; owned by one handler on one event loop.
final class OpenSSLConnection {
    /// The `SSL` ex-data slot holding an unretained pointer to the owning connection (for the verify callback).
    static let exDataIndex: Int32 = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, nil, nil, nil, nil)

    enum HandshakeResult {
        case completed
        case wantMoreData
        case failed(DealTLSError)
    }

    enum ReadResult {
        /// Everything decryptable so far has been appended; feed more ciphertext.
        case wantMoreData
        /// The peer sent close_notify; anything before it has been appended.
        case closeNotify
        case failed(DealTLSError)
    }

    let contextReference: SSLContextReference
    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    /// Set by the verify callback: which certificate failed verification and why.
    var verificationFailure: String?

    init(contextReference: SSLContextReference, serverHostname: String?) throws(DealTLSError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(contextReference.context) else {
            throw DealTLSError(
                code: .internalError,
                message: "SSL_new failed: \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw DealTLSError(
                code: .internalError,
                message: "BIO_new failed: \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
        // SSL_set_bio takes ownership of both BIOs: SSL_free releases them.
        SSL_set_bio(ssl, readBIO, writeBIO)
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.contextReference = contextReference
        SSL_set_ex_data(ssl, Self.exDataIndex, Unmanaged.passUnretained(self).toOpaque())

        switch contextReference.role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            if let hostname = serverHostname ?? contextReference.serverHostname {
                try self.setExpectedServerName(hostname)
            }
        }
    }

    deinit {
        SSL_free(self.ssl)
    }

    private func setExpectedServerName(_ hostname: String) throws(DealTLSError) {
        var name = hostname
        if name.hasPrefix("[") && name.hasSuffix("]") {
            name = String(name.dropFirst().dropLast())
        }
        OpenSSLErrorQueue.clear()
        if (try? SocketAddress(ipAddress: name, port: 0)) != nil {
            // IP literals are matched against IP SANs and never sent as SNI (RFC 6066 forbids it).
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(self.ssl), name) == 1 else {
                throw DealTLSError(
                    code: .invalidConfiguration,
                    message: "invalid server IP address '\(name)': \(OpenSSLErrorQueue.drainedDescription())"
                )
            }
            return
        }
        SSL_set_hostflags(self.ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        guard SSL_set1_host(self.ssl, name) == 1, CDealOpenSSL_SSL_set_tlsext_host_name(self.ssl, name) == 1 else {
            throw DealTLSError(
                code: .invalidConfiguration,
                message: "invalid server hostname '\(name)': \(OpenSSLErrorQueue.drainedDescription())"
            )
        }
    }

    /// Hands ciphertext from the socket to OpenSSL.
    func feed(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else {
                return
            }
            // A memory BIO grows as needed, so this always takes everything.
            _ = BIO_write(self.readBIO, base, Int32(bytes.count))
        }
    }

    /// Ciphertext OpenSSL has produced and not yet handed out.
    var pendingCiphertextCount: Int {
        CDealOpenSSL_BIO_pending(self.writeBIO)
    }

    /// Ciphertext received but not yet decrypted, plus decrypted bytes OpenSSL holds back.
    var pendingInputEstimate: Int {
        CDealOpenSSL_BIO_pending(self.readBIO) + Int(SSL_pending(self.ssl))
    }

    /// All ciphertext OpenSSL has produced, in one buffer, or `nil` if there is none.
    func takeCiphertext(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let pending = self.pendingCiphertextCount
        guard pending > 0 else {
            return nil
        }
        var buffer = allocator.buffer(capacity: pending)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { bytes in
            Int(max(0, BIO_read(self.writeBIO, bytes.baseAddress, Int32(pending))))
        }
        return buffer
    }

    func doHandshake() -> HandshakeResult {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(self.ssl)
        if result == 1 {
            return .completed
        }
        let error = SSL_get_error(self.ssl, result)
        switch error {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .wantMoreData
        default:
            return .failed(self.handshakeError(sslError: error))
        }
    }

    private func handshakeError(sslError: Int32) -> DealTLSError {
        let reasons = OpenSSLErrorQueue.drain()
        let reasonText = reasons.isEmpty ? "SSL_get_error \(sslError)" : reasons.joined(separator: "; ")
        if let failure = self.verificationFailure {
            return DealTLSError(
                code: .certificateVerificationFailed,
                message: "peer certificate verification failed: \(failure) (\(reasonText))"
            )
        }
        let verifyResult = SSL_get_verify_result(self.ssl)
        if verifyResult != X509_V_OK {
            let reason = X509_verify_cert_error_string(verifyResult).map { String(cString: $0) } ?? "?"
            return DealTLSError(
                code: .certificateVerificationFailed,
                message: "peer certificate verification failed: \(reason) (\(reasonText))"
            )
        }
        if reasons.contains(where: { $0.contains("peer did not return a certificate") }) {
            return DealTLSError(
                code: .certificateVerificationFailed,
                message: "client certificate required but the peer sent none (\(reasonText))"
            )
        }
        return DealTLSError(code: .handshakeFailed, message: "TLS handshake failed: \(reasonText)")
    }

    /// Decrypts everything available into `buffer`, growing it at most once per call in the common case.
    func read(into buffer: inout ByteBuffer) -> ReadResult {
        while true {
            // Plaintext never exceeds the ciphertext it came from, so this reservation usually suffices.
            let wanted = max(self.pendingInputEstimate, 16 * 1024)
            if buffer.writableBytes < 1024 {
                buffer.reserveCapacity(minimumWritableBytes: wanted)
            }
            OpenSSLErrorQueue.clear()
            var sslResult: Int32 = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1) { bytes in
                sslResult = SSL_read(self.ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
                return sslResult > 0 ? Int(sslResult) : 0
            }
            if sslResult > 0 {
                continue
            }
            let error = SSL_get_error(self.ssl, sslResult)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return .wantMoreData
            case SSL_ERROR_ZERO_RETURN:
                return .closeNotify
            default:
                let reasons = OpenSSLErrorQueue.drainedDescription(fallback: "SSL_get_error \(error)")
                return .failed(DealTLSError(code: .protocolError, message: "TLS read failed: \(reasons)"))
            }
        }
    }

    /// Encrypts all of `bytes`; the ciphertext waits in the write BIO for ``takeCiphertext(allocator:)``.
    func write(_ bytes: UnsafeRawBufferPointer) -> DealTLSError? {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return nil
        }
        OpenSSLErrorQueue.clear()
        let result = SSL_write(self.ssl, base, Int32(bytes.count))
        if result == Int32(bytes.count) {
            return nil
        }
        let error = SSL_get_error(self.ssl, result)
        let reasons = OpenSSLErrorQueue.drainedDescription(fallback: "SSL_get_error \(error)")
        return DealTLSError(code: .protocolError, message: "TLS write failed: \(reasons)")
    }

    /// Queues close_notify in the write BIO.
    func shutdown() {
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(self.ssl)
        OpenSSLErrorQueue.clear()
    }

    /// What the completed handshake negotiated, with the peer's identity if its certificate was verified.
    func handshakeInfo() -> DealTLSHandshakeInfo {
        var alpnData: UnsafePointer<UInt8>? = nil
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(self.ssl, &alpnData, &alpnLength)
        let alpn = alpnData.map {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(alpnLength)), as: UTF8.self)
        }
        let version = SSL_get_version(self.ssl).map { String(cString: $0) } ?? "unknown"
        let cipher = SSL_get_current_cipher(self.ssl).flatMap(SSL_CIPHER_get_name).map { String(cString: $0) }
        var identity: DealTLSPeerIdentity? = nil
        if let certificate = SSL_get1_peer_certificate(self.ssl) {
            if SSL_get_verify_result(self.ssl) == X509_V_OK {
                identity = X509Inspection.identity(certificate)
            }
            X509_free(certificate)
        }
        return DealTLSHandshakeInfo(
            alpnProtocol: alpn?.isEmpty == true ? nil : alpn,
            protocolVersion: version,
            cipher: cipher ?? "unknown",
            peerIdentity: identity
        )
    }
}
