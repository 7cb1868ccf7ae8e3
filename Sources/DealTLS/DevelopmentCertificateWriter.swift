import CDealOpenSSLShims
import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// OpenSSL key and certificate generation behind ``DealDevelopmentCA``.
enum DevelopmentCertificateWriter {
    /// An `EVP_PKEY` freed with the object.
    final class Key {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { EVP_PKEY_free(self.pointer) }
    }

    /// An `X509` freed with the object.
    final class Certificate {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { X509_free(self.pointer) }
    }

    struct Authority {
        var certificate: Certificate
        var key: Key
    }

    private static func failure(_ step: String) -> DealTLSError {
        DealTLSError(
            code: .certificateGenerationFailed,
            message: "\(step): \(OpenSSLErrorQueue.drainedDescription())"
        )
    }

    static func generateKey() throws(DealTLSError) -> Key {
        OpenSSLErrorQueue.clear()
        // EVP_PKEY_Q_keygen is variadic and cannot be imported; the EVP_PKEY_CTX route is equivalent.
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else {
            throw self.failure("EVP_PKEY_CTX_new_id(EC) failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) == 1
        else {
            throw self.failure("cannot set up P-256 key generation")
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw self.failure("P-256 key generation failed")
        }
        return Key(key)
    }

    static func makeCertificate(
        commonName: String,
        publicKey: Key,
        issuer: Authority?,
        isCA: Bool,
        purpose: DealDevelopmentCA.Purpose?,
        subjectAltNames: [String],
        validity: DealDevelopmentCA.Validity
    ) throws(DealTLSError) -> Certificate {
        OpenSSLErrorQueue.clear()
        guard let pointer = X509_new() else {
            throw self.failure("X509_new failed")
        }
        let certificate = Certificate(pointer)
        let x509 = certificate.pointer
        guard X509_set_version(x509, 2) == 1 else {
            throw self.failure("cannot set certificate version")
        }
        try self.setRandomSerial(x509)
        guard X509_gmtime_adj(X509_getm_notBefore(x509), validity.notBeforeOffsetSeconds) != nil,
            X509_gmtime_adj(X509_getm_notAfter(x509), validity.notAfterOffsetSeconds) != nil
        else {
            throw self.failure("cannot set validity")
        }
        guard let subject = X509_get_subject_name(x509),
            X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, "DealStore Development", -1, -1, 0) == 1,
            X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1
        else {
            throw self.failure("cannot set subject CN '\(commonName)'")
        }
        let issuerCertificate = issuer?.certificate.pointer ?? x509
        guard X509_set_issuer_name(x509, X509_get_subject_name(issuerCertificate)) == 1,
            X509_set_pubkey(x509, publicKey.pointer) == 1
        else {
            throw self.failure("cannot set issuer or public key")
        }

        var extensionContext = X509V3_CTX()
        X509V3_set_ctx(&extensionContext, issuerCertificate, x509, nil, nil, 0)
        var extensions: [(Int32, String)] = []
        if isCA {
            extensions.append((NID_basic_constraints, "critical,CA:TRUE"))
            extensions.append((NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"))
        } else {
            extensions.append((NID_basic_constraints, "critical,CA:FALSE"))
            extensions.append((NID_key_usage, "critical,digitalSignature"))
        }
        switch purpose {
        case .server:
            extensions.append((NID_ext_key_usage, "serverAuth"))
        case .client:
            extensions.append((NID_ext_key_usage, "clientAuth"))
        case .serverAndClient:
            extensions.append((NID_ext_key_usage, "serverAuth,clientAuth"))
        case nil:
            break
        }
        // The subject key identifier must exist before the authority key identifier of a self-signed CA reads it.
        extensions.append((NID_subject_key_identifier, "hash"))
        extensions.append((NID_authority_key_identifier, "keyid:always"))
        if !subjectAltNames.isEmpty {
            extensions.append((NID_subject_alt_name, subjectAltNames.joined(separator: ",")))
        }
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &extensionContext, nid, value) else {
                throw self.failure("cannot build extension \(String(cString: OBJ_nid2sn(nid))) = \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(x509, ext, -1) == 1 else {
                throw self.failure("cannot add extension \(String(cString: OBJ_nid2sn(nid)))")
            }
        }

        let signingKey = issuer?.key.pointer ?? publicKey.pointer
        guard X509_sign(x509, signingKey, EVP_sha256()) > 0 else {
            throw self.failure("cannot sign certificate '\(commonName)'")
        }
        return certificate
    }

    private static func setRandomSerial(_ x509: OpaquePointer) throws(DealTLSError) {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else {
            throw self.failure("RAND_bytes failed")
        }
        // A positive serial of at most 20 octets, as RFC 5280 requires.
        bytes[0] &= 0x7f
        bytes[0] |= 0x01
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw self.failure("BN_bin2bn failed")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(x509)) != nil else {
            throw self.failure("cannot set serial number")
        }
    }

    static func loadAuthority(certificateFile: String, privateKeyFile: String) throws(DealTLSError) -> Authority {
        OpenSSLErrorQueue.clear()
        guard let certificateBIO = BIO_new_file(certificateFile, "r") else {
            throw self.failure("cannot open CA certificate file '\(certificateFile)'")
        }
        defer { BIO_free(certificateBIO) }
        guard let certificate = PEM_read_bio_X509(certificateBIO, nil, nil, nil) else {
            throw self.failure("cannot read a PEM certificate from CA certificate file '\(certificateFile)'")
        }
        let wrappedCertificate = Certificate(certificate)
        guard let keyBIO = BIO_new_file(privateKeyFile, "r") else {
            throw self.failure("cannot open CA private key file '\(privateKeyFile)'")
        }
        defer { BIO_free(keyBIO) }
        guard let key = PEM_read_bio_PrivateKey(keyBIO, nil, nil, nil) else {
            throw self.failure("cannot read a PEM private key from CA private key file '\(privateKeyFile)'")
        }
        let wrappedKey = Key(key)
        guard X509_check_private_key(certificate, key) == 1 else {
            throw self.failure("CA key '\(privateKeyFile)' does not match CA certificate '\(certificateFile)'")
        }
        return Authority(certificate: wrappedCertificate, key: wrappedKey)
    }

    static func write(certificate: Certificate, to path: String) throws(DealTLSError) {
        let pem = try self.pem("certificate for '\(path)'") { bio in
            PEM_write_bio_X509(bio, certificate.pointer)
        }
        try self.writeFile(pem, to: path, mode: 0o644)
    }

    static func write(privateKey: Key, to path: String) throws(DealTLSError) {
        let pem = try self.pem("private key for '\(path)'") { bio in
            PEM_write_bio_PrivateKey(bio, privateKey.pointer, nil, nil, 0, nil, nil)
        }
        try self.writeFile(pem, to: path, mode: 0o600)
    }

    private static func pem(_ what: String, _ body: (OpaquePointer) -> Int32) throws(DealTLSError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw self.failure("BIO_new failed")
        }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else {
            throw self.failure("cannot encode \(what) as PEM")
        }
        var memory: UnsafeMutablePointer<BUF_MEM>? = nil
        _ = CDealOpenSSL_BIO_get_mem_ptr(bio, &memory)
        guard let memory, let data = memory.pointee.data else {
            throw self.failure("cannot read PEM of \(what)")
        }
        return data.withMemoryRebound(to: UInt8.self, capacity: memory.pointee.length) {
            Array(UnsafeBufferPointer(start: $0, count: memory.pointee.length))
        }
    }

    static func createDirectory(_ path: String) throws(DealTLSError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            let reason = String(cString: strerror(errno))
            throw DealTLSError(
                code: .certificateGenerationFailed,
                message: "cannot create directory '\(path)': \(reason)"
            )
        }
    }

    /// Writes to a fresh temporary file created with `mode` (never widened later), then renames it over `path`.
    private static func writeFile(_ bytes: [UInt8], to path: String, mode: mode_t) throws(DealTLSError) {
        var random: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &random) { RAND_bytes($0.baseAddress, Int32($0.count)) }
        let temporary = path + ".tmp-" + String(random, radix: 36)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DealTLSError(code: .certificateGenerationFailed, message: "cannot create '\(temporary)': \(reason)")
        }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR {
                        continue
                    }
                    failure = errno
                    return
                }
                written += result
            }
        }
        if failure == 0 && fsync(descriptor) != 0 {
            failure = errno
        }
        close(descriptor)
        if failure == 0 && rename(temporary, path) != 0 {
            failure = errno
        }
        if failure != 0 {
            unlink(temporary)
            let reason = String(cString: strerror(failure))
            throw DealTLSError(code: .certificateGenerationFailed, message: "cannot write '\(path)': \(reason)")
        }
    }
}
